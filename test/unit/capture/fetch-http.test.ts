import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchHttp, fetchHttpAs } from '../../../src/capture/fetch-http.ts';
import type { CaptureResult } from '../../../src/page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from '../../../src/capture/types.ts';
import { articleHtml, flintlockArticle, slugOf, startFixtureSite, type FixtureSite } from '../../../src/demo/fixture-site.ts';
import { closedLoopbackPort as closedPort } from '../../../src/net/listen-loopback.ts';
import { articleMedia } from '../../helpers/article-facts.ts';

const logger = pino({ level: 'silent' });
const limits: CaptureLimits = { allowPrivateNetworks: true, maxPageBytes: 5_000_000, maxCaptureBytes: 50_000_000, maxMediaBytes: 1_000_000, screenshotMaxHeight: 600 };

let site: FixtureSite;

beforeAll(async () => {
  site = await startFixtureSite();
  site.article('/news/flintlock-2019', flintlockArticle);
});

afterAll(async () => {
  await site?.close();
});

function fetchPath(path: string, extra: Partial<CaptureRequest> = {}, overrides: Partial<CaptureLimits> = {}): Promise<CaptureResult> {
  const req: CaptureRequest = { url: site.url(path), fetcher: 'http', timeoutMs: 10_000, ignore: [], ...extra };
  return fetchHttp(req, { ...limits, ...overrides }, logger);
}

describe('fetchHttp of the news article', () => {
  let result: CaptureResult;

  beforeAll(async () => {
    site.redirect('/a/1757251', '/b/1757251', 302);
    site.redirect('/b/1757251', '/news/flintlock-2019', 301);
    result = await fetchPath('/a/1757251');
  });

  it('follows and records both redirects', () => {
    expect(result.error).toBeNull();
    expect(result.fetcher).toBe('http');
    expect(result.requestedUrl).toBe(site.url('/a/1757251'));
    expect(result.redirects).toEqual([
      { url: site.url('/a/1757251'), status: 302 },
      { url: site.url('/b/1757251'), status: 301 },
    ]);
    expect(result.finalUrl).toBe(site.url('/news/flintlock-2019'));
    expect(result.status).toBe(200);
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(result.headers['set-cookie']).toBe('session');
  });

  it('extracts the same article facts, with media loaded and status unknown', () => {
    expect(result.facts?.title).toBe(`${flintlockArticle.title} > U.S. Africa Command > Article`);
    expect(result.facts?.canonicalUrl).toBe(site.url(`/news/${slugOf(flintlockArticle.title)}`));
    expect(result.facts?.blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text)).toEqual([
      flintlockArticle.byline,
      flintlockArticle.date,
      ...flintlockArticle.paragraphs,
    ]);
    expect(result.facts?.blocks.every((b) => b.main === true)).toBe(true);
    expect(result.text).toContain('Col. Assimi Goita, commander of Mali’s special forces');
    expect(result.text).not.toContain('Related stories');
    expect(result.facts?.media).toEqual(articleMedia(flintlockArticle, (path) => site.url(path), { loaded: null, status: null }));
    expect(result.facts?.embeds).toEqual([expect.objectContaining({ statusId: flintlockArticle.tweet?.statusId, author: 'USAfricaCommand', rendered: false })]);
    expect(result.facts?.links).toContainEqual({ url: site.url('/leadership'), text: 'Leadership' });
  });

  it('keeps the served HTML and takes no screenshot or media files', () => {
    expect(result.html).toContain('<article class="news-article">');
    expect(result.screenshot).toBeNull();
    expect(result.mediaFiles).toEqual([]);
    expect(site.hits('/images/goita-flintlock.png')).toBe(0);
  });
});

describe('fetchHttp failures and edge cases', () => {
  it('captures a 404 page as a normal result', async () => {
    site.gone('/news/withdrawn', 410);
    const result = await fetchPath('/news/withdrawn');
    expect(result.error).toBeNull();
    expect(result.status).toBe(410);
    expect(result.facts?.title).toBe('Page not found');
  });

  it('times out a page that never answers, at the deadline', async () => {
    site.hang('/news/slow');
    const started = Date.now();
    const result = await fetchPath('/news/slow', { timeoutMs: 1_500 });
    expect(result.error).toEqual({ code: 'timeout', message: 'capture exceeded 1500 ms' });
    // Room for a busy event loop: without the deadline the fetch would wait for the page until the test times out.
    expect(Date.now() - started).toBeLessThan(1_500 + 2_000);
    expect(result.facts).toBeNull();
  });

  it('ends a page over the size cap as too_large', async () => {
    const declared = await fetchPath('/news/flintlock-2019', {}, { maxPageBytes: 1_000 });
    expect(declared.error?.code).toBe('too_large');
    expect(declared.status).toBe(200);
    expect(declared.facts).toBeNull();
  });

  it('stops after ten redirects', async () => {
    for (let i = 0; i < 12; i++) site.redirect(`/loop/${i}`, `/loop/${i + 1}`, 302);
    const result = await fetchPath('/loop/0');
    expect(result.error?.code).toBe('too_many_redirects');
    expect(result.redirects).toHaveLength(10);
  });

  it('refuses a private address unless allowed', async () => {
    const direct = await fetchPath('/news/flintlock-2019', {}, { allowPrivateNetworks: false });
    expect(direct.error?.code).toBe('blocked_url');
    expect(direct.error?.message).toContain('SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true');
  });

  it('records a refused connection and an unknown host', async () => {
    const port = await closedPort();
    const refused = await fetchHttp({ url: `http://127.0.0.1:${port}/`, fetcher: 'http', timeoutMs: 5_000, ignore: [] }, limits, logger);
    expect(refused.error?.code).toBe('refused');
    const dns = await fetchHttp({ url: 'http://no-such-host.invalid/', fetcher: 'http', timeoutMs: 5_000, ignore: [] }, limits, logger);
    expect(dns.error?.code).toBe('dns');
  });

  it('decodes windows-1252 pages, labelled in a meta tag or not, and UTF-8 ones', async () => {
    const body = Buffer.from('<html><head><meta charset="windows-1252"><title>Caf\xe9</title></head><body><p>Na\xefve r\xe9sum\xe9</p></body></html>', 'latin1');
    site.html('/legacy', body, 200, { 'content-type': 'text/html' });
    const result = await fetchPath('/legacy');
    expect(result.facts?.title).toBe('Café');
    expect(result.text).toBe('Naïve résumé');
    site.html('/unlabelled', Buffer.from(body.toString('latin1').replace('<meta charset="windows-1252">', ''), 'latin1'), 200, {
      'content-type': 'text/html',
    });
    expect((await fetchPath('/unlabelled')).facts?.title).toBe('Café');
    const plain = await fetchPath('/news/flintlock-2019');
    expect(plain.text).toContain('Mali’s');
  });
});



describe('fetchHttpAs: an archived copy read as the page it copies', () => {
  it('reads the copy through its server\'s redirects, but as the page: its URLs, links and photos resolve on the site', async () => {
    site.html('/web/20190218120000id_/copy', articleHtml(flintlockArticle));
    site.redirect('/web/20190218id_/copy', '/web/20190218120000id_/copy', 302);
    const page = 'https://www.africom.mil/media-room/article/31608/flintlock-2019';
    const req: CaptureRequest = { url: page, fetcher: 'http', timeoutMs: 10_000, ignore: [] };
    const result = await fetchHttpAs(req, site.url('/web/20190218id_/copy'), limits, logger);

    expect(result).toMatchObject({ error: null, status: 200, requestedUrl: page, finalUrl: page, redirects: [] });
    expect(result.facts!.title).toContain('Flintlock 2019');
    expect(result.facts!.media.map((m) => m.url)).toEqual(flintlockArticle.photos.map((p) => `https://www.africom.mil/images/${p.file}`));
    expect(result.facts!.links.every((l) => !l.url.startsWith(site.origin))).toBe(true);
  });

  it('keeps the page\'s URL when the copy\'s server refuses it', async () => {
    const req: CaptureRequest = { url: 'https://www.africom.mil/gone', fetcher: 'http', timeoutMs: 10_000, ignore: [] };
    const result = await fetchHttpAs(req, site.url('/web/20190218120000id_/missing'), limits, logger);
    expect(result).toMatchObject({ status: 404, requestedUrl: 'https://www.africom.mil/gone', finalUrl: 'https://www.africom.mil/gone' });
  });
});
