import type { ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createGzip } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigure } from '../helpers/figures.ts';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { useReaderRig } from '../helpers/source-reader.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { CDX_PAGE_ROWS } from '../../src/sources/read/read-cdx.ts';
import { LISTING_MAX_LINKS } from '../../src/sources/read/read-listing.ts';
import { SITEMAP_MAX_BYTES } from '../../src/sources/read/read-sitemap.ts';

const rig = useReaderRig();
let site: SourceSite;
let wayback: FakeWayback;

const BILLION_LAUGHS =
  '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n' +
  Array.from({ length: 9 }, (_, i) => ` <!ENTITY lol${i + 1} "${`&lol${i === 0 ? '' : i};`.repeat(10)}">\n`).join('') +
  ']>\n';

function xml(res: ServerResponse, body: string, type = 'application/xml'): void {
  res.writeHead(200, { 'content-type': type }).end(body);
}

beforeAll(async () => {
  site = await startSourceSite();
  wayback = await startFakeWayback();
});
afterAll(async () => {
  await site.close();
  await wayback.close();
});

describe('hostile sources', () => {
  it('an XML entity bomb in a child sitemap is malformed, never expanded, and the other child is still read', async () => {
    site.route('/bomb.xml', (_req, res) => xml(res, `${BILLION_LAUGHS}<urlset><url><loc>&lol9;</loc></url></urlset>`));
    site.route('/bomb-index.xml', (_req, res) =>
      xml(res, `<sitemapindex><sitemap><loc>${site.url('/sitemap-news.xml')}</loc></sitemap><sitemap><loc>${site.url('/bomb.xml')}</loc></sitemap></sitemapindex>`),
    );
    const read = await rig.read('sitemap', site.url('/bomb-index.xml'));
    expect(read.problems.map((p) => [p.code, p.url])).toEqual([['malformed', site.url('/bomb.xml')]]);
    expect(read.problems[0]!.message).toMatch(/declares XML entities/);
    expect(read.urls).toHaveLength(3);
    expect(read.ms).toBeLessThan(5_000);
  });

  it('an entity bomb as a feed is refused before parsing', async () => {
    site.route('/bomb.rss', (_req, res) => xml(res, `${BILLION_LAUGHS}<rss version="2.0"><channel><title>&lol9;</title></channel></rss>`, 'application/rss+xml'));
    const read = await rig.read('feed', site.url('/bomb.rss'));
    expect(read.problems.map((p) => p.code)).toEqual(['malformed']);
    expect(read.ms).toBeLessThan(5_000);
  });

  it('a 1 GB gzip sitemap stops at 50 MB uncompressed (too_large) with flat memory, keeping the URLs before', async () => {
    let sent = 0;
    site.route('/huge.xml.gz', (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-gzip' });
      const head = `<?xml version="1.0"?><urlset>${[1, 2, 3].map((i) => `<url><loc>${site.articleUrl(`news-${i}`)}</loc></url>`).join('')}`;
      const padding = Buffer.from(`<!-- ${'padding '.repeat(8_000)}-->\n`);
      let produced = 0;
      const source = new Readable({
        read() {
          if (produced === 0) this.push(head);
          if (produced >= 1024 ** 3) return void this.push(null);
          produced += padding.byteLength;
          this.push(padding);
        },
      });
      const gzip = createGzip();
      gzip.on('data', (chunk: Buffer) => (sent += chunk.byteLength));
      res.on('close', () => (source.destroy(), gzip.destroy()));
      source.pipe(gzip).pipe(res);
    });
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
    const read = await rig.read('sitemap', site.url('/huge.xml.gz'), { timeoutMs: 60_000 });
    clearInterval(sampler);
    expect(read.problems.map((p) => p.code)).toEqual(['too_large']);
    expect(read.problems[0]!.message).toContain(String(SITEMAP_MAX_BYTES));
    expect(read.urls).toEqual(['news-1', 'news-2', 'news-3'].map((s) => site.articleUrl(s)));
    const grewMb = (peak - baseline) / 1024 ** 2;
    printFigure('memory', `1 GB gzip sitemap: ${read.ms} ms, RSS +${grewMb.toFixed(1)} MB at peak, ${(sent / 1024 ** 2).toFixed(2)} MB of gzip sent`);
    expect(grewMb).toBeLessThan(200);
    expect(read.ms).toBeLessThan(30_000);
  }, 90_000);

  it('an index that nests forever ends at depth 3 (too_deep) and one that loops reads each file once (loop)', async () => {
    site.route('/nest', (req, res) => {
      const n = Number(new URL(req.url!, site.origin).searchParams.get('n'));
      xml(res, `<sitemapindex><sitemap><loc>${site.url(`/nest?n=${n + 1}`)}</loc></sitemap></sitemapindex>`);
    });
    const nested = await rig.read('sitemap', site.url('/nest?n=0'));
    expect(nested.problems.map((p) => p.code)).toEqual(['too_deep']);
    expect(site.hits('/nest')).toBe(4);

    site.route('/ring-a.xml', (_req, res) => xml(res, `<sitemapindex><sitemap><loc>${site.url('/ring-b.xml')}</loc></sitemap></sitemapindex>`));
    site.route('/ring-b.xml', (_req, res) =>
      xml(res, `<sitemapindex><sitemap><loc>${site.url('/ring-a.xml')}</loc></sitemap><sitemap><loc>${site.url('/sitemap-news.xml')}</loc></sitemap></sitemapindex>`),
    );
    const ring = await rig.read('sitemap', site.url('/ring-a.xml'));
    expect(ring.problems.map((p) => p.code)).toEqual(['loop']);
    expect(ring.urls).toHaveLength(3);
    expect([site.hits('/ring-a.xml'), site.hits('/ring-b.xml')]).toEqual([1, 1]);
  });

  it('a feed that is not XML is malformed, saying what it was', async () => {
    site.route('/binary.rss', (_req, res) => void res.writeHead(200, { 'content-type': 'application/rss+xml' }).end(Buffer.from([0, 1, 2, 255, 254, 60, 33, 0])));
    site.route('/json.rss', (_req, res) => xml(res, '{"not": "a feed", "items": 3', 'application/rss+xml'));
    for (const path of ['/binary.rss', '/json.rss']) {
      const read = await rig.read('feed', site.url(path));
      expect(read.problems.map((p) => p.code)).toEqual(['malformed']);
      expect(read.problems[0]!.message).toMatch(/not a feed.*application\/rss\+xml/);
    }
  });

  it('a listing with 100,000 links keeps the first 10,000 (too_many) without holding the event loop', async () => {
    const links = Array.from({ length: 100_000 }, (_, i) => `<a href="/a/${i}">${i}</a>`).join('');
    site.route('/many', (_req, res) => void res.writeHead(200, { 'content-type': 'text/html' }).end(`<html><body><main>${links}</main></body></html>`));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const read = await rig.read('listing', site.url('/many'));
    delay.disable();
    expect(read.problems.map((p) => p.code)).toEqual(['too_many']);
    expect(read.urls).toHaveLength(LISTING_MAX_LINKS);
    expect(read.urls[0]).toBe(site.url('/a/0'));
    const maxMs = delay.max / 1e6;
    printFigure('memory', `100,000-link listing: ${read.ms} ms, longest event-loop stall ${maxMs.toFixed(0)} ms`);
    expect(read.ms).toBeLessThan(10_000);
    expect(maxMs).toBeLessThan(500);
  });

  it('a CDX answer that never ends stops past the rows asked for (too_many), keeping the pages before', async () => {
    wayback.cdxMode = 'endless';
    const read = await rig.read('archive', 'http://example.org/', { cdxUrl: `${wayback.url}/cdx/search/cdx` });
    expect(read.problems.map((p) => p.code)).toEqual(['too_many']);
    // The fake repeats a row each time its socket fills (the same URL twice in a row): one page each.
    expect(read.pages.length).toBeGreaterThan(CDX_PAGE_ROWS * 0.9);
    expect(read.pages.length).toBeLessThanOrEqual(CDX_PAGE_ROWS);
    expect(new Set(read.urls).size).toBe(read.pages.length);
    expect(read.pages[0]).toMatchObject({ url: 'http://example.org/p0', archiveTimestamp: '20190101000000' });
    expect(read.ms).toBeLessThan(5_000);
  });

  it('a CDX endpoint that answers something else is malformed', async () => {
    wayback.cdxMode = 'garbage';
    const read = await rig.read('archive', 'http://example.org/', { cdxUrl: `${wayback.url}/cdx/search/cdx` });
    expect(read.pages).toEqual([]);
    expect(read.problems.map((p) => p.code)).toEqual(['malformed']);
    expect(read.problems[0]!.message).toMatch(/not a CDX answer.*Service temporarily unavailable/);
  });

  it('a private address the network policy refuses is blocked_url, and nothing is requested', async () => {
    const before = site.hits('/sitemap-index.xml');
    for (const kind of ['sitemap', 'feed', 'listing'] as const) {
      const read = await rig.read(kind, site.url('/sitemap-index.xml'), { allowPrivateNetworks: false });
      expect(read.problems.map((p) => p.code)).toEqual(['blocked_url']);
      expect(read.problems[0]!.message).toMatch(/private or reserved/);
    }
    const archive = await rig.read('archive', 'https://example.org/', { cdxUrl: `${wayback.url}/cdx/search/cdx`, allowPrivateNetworks: false });
    expect(archive.problems.map((p) => p.code)).toEqual(['blocked_url']);
    expect(site.hits('/sitemap-index.xml')).toBe(before);
  });
});
