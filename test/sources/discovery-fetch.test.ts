import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostKey } from '../../src/politeness/host-gate.ts';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { useReaderRig } from '../helpers/source-reader.ts';

const rig = useReaderRig();
let site: SourceSite;

beforeAll(async () => {
  site = await startSourceSite();
  site.route('/hop', (req, res) => {
    const n = Number(new URL(req.url!, site.origin).searchParams.get('n'));
    res.writeHead(302, { location: n === 0 ? '/sitemap-news.xml' : `/hop?n=${n - 1}` }).end();
  });
  site.route('/to-private', (_req, res) => void res.writeHead(302, { location: 'http://10.255.255.1/sitemap.xml' }).end());
  site.route('/encoded.xml', (_req, res) =>
    void res.writeHead(200, { 'content-type': 'application/xml', 'content-encoding': 'gzip' }).end(gzipSync(`<urlset><url><loc>${site.articleUrl('news-1')}</loc></url></urlset>`)),
  );
});
afterAll(() => site.close());

describe('the discovery fetcher', () => {
  it('follows up to five redirects, not six', async () => {
    const fetcher = rig.fetcher();
    try {
      const five = await fetcher.readText(site.url('/hop?n=4'));
      expect(five.ok && five.finalUrl).toBe(site.url('/sitemap-news.xml'));
      const six = await fetcher.readText(site.url('/hop?n=5'));
      expect(six.ok ? null : [six.problem.code, six.problem.message]).toEqual(['network', expect.stringMatching(/more than 5 redirects/)]);
    } finally {
      await fetcher.close();
    }
  });

  it('checks every hop against the network policy (a redirect to a private address is blocked_url)', async () => {
    const fetcher = rig.fetcher({ allowPrivateNetworks: false, allowedNetworks: ['127.0.0.0/8'] });
    try {
      const allowed = await fetcher.readText(site.url('/sitemap-news.xml'));
      expect(allowed.ok).toBe(true);
      const redirected = await fetcher.readText(site.url('/to-private'));
      expect(redirected.ok ? null : [redirected.problem.code, redirected.problem.message]).toEqual(['blocked_url', expect.stringMatching(/^redirected to http:\/\/10\.255\.255\.1\/sitemap\.xml: .*private/)]);
    } finally {
      await fetcher.close();
    }
  });

  it('undoes Content-Encoding, and reads robots.txt once per origin', async () => {
    const before = site.hits('/robots.txt');
    const read = await rig.read('sitemap', site.url('/encoded.xml'));
    expect(read.urls).toEqual([site.articleUrl('news-1')]);
    const fetcher = rig.fetcher();
    try {
      for (const path of ['/sitemap-news.xml', '/feed.rss', '/news/']) expect((await fetcher.readText(site.url(path))).ok).toBe(true);
      expect(site.hits('/robots.txt')).toBe(before + 2);
    } finally {
      await fetcher.close();
    }
  });

  it('waits for a busy host up to the deadline (timeout), and gives its slot back after each request', async () => {
    const gate = rig.gate();
    const host = hostKey(site.origin);
    expect(await gate.acquire(host, 'other-reader-1', 60_000)).toEqual({ granted: true });
    expect(await gate.acquire(host, 'other-reader-2', 60_000)).toEqual({ granted: true });
    const read = await rig.read('feed', site.url('/feed.rss'), { readMs: 1_500 });
    expect(read.problems.map((p) => [p.code, p.message])).toEqual([['timeout', expect.stringMatching(/stayed busy/)]]);
    await gate.release(host, 'other-reader-2');
    const fetcher = rig.fetcher({}, 'reader-under-test');
    try {
      expect((await fetcher.readText(site.url('/feed.rss'))).ok).toBe(true);
      // Its slot is free again: a second holder gets the one slot left besides other-reader-1.
      expect(await gate.acquire(host, 'other-reader-3', 60_000)).toEqual({ granted: true });
    } finally {
      await fetcher.close();
      await gate.release(host, 'other-reader-1');
      await gate.release(host, 'other-reader-3');
    }
  });
});
