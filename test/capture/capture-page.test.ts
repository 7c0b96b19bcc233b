import { createHash } from 'node:crypto';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import { KEPT_HEADERS } from '../../src/capture/headers.ts';
import type { CaptureResult } from '../../src/page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from '../../src/capture/types.ts';
import { solidPng } from '../../src/demo/png.ts';
import { articleEmbeds, articleMedia, unboxed } from '../helpers/article-facts.ts';
import { fingerprint } from '../../src/detect/snapshot-content.ts';
import { flintlockArticle, slugOf, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { closedLoopbackPort as closedPort } from '../../src/net/listen-loopback.ts';

const pngSha = (file: string) => createHash('sha256').update(solidPng(file)).digest('hex');

const logger = pino({ level: 'silent' });
const limits: CaptureLimits = { allowPrivateNetworks: true, maxPageBytes: 5_000_000, maxCaptureBytes: 50_000_000, maxMediaBytes: 1_000_000, screenshotMaxHeight: 600 };

let site: FixtureSite;
let host: BrowserHost;

beforeAll(async () => {
  site = await startFixtureSite();
  host = createBrowserHost({ chromiumPath: undefined }, logger);
});

afterAll(async () => {
  await host?.close();
  await site?.close();
});

function capture(path: string, extra: Partial<CaptureRequest> = {}, overrides: Partial<CaptureLimits> = {}): Promise<CaptureResult> {
  const req: CaptureRequest = { url: site.url(path), fetcher: 'browser', timeoutMs: 20_000, ignore: [], ...extra };
  return captureTarget(host, req, { ...limits, ...overrides }, logger);
}

function pngSize(png: Buffer): { width: number; height: number } {
  expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
}

describe('capturePage of a news article', () => {
  let result: CaptureResult;
  let elapsed: number;

  beforeAll(async () => {
    site.article('/news/flintlock-2019', flintlockArticle);
    site.redirect('/news/article/1757251', '/news/flintlock-2019', 301);
    const started = Date.now();
    result = await capture('/news/article/1757251');
    elapsed = Date.now() - started;
  });

  it('follows the 301 and records the hop, final URL, status, timing and no error', () => {
    expect(result.error).toBeNull();
    expect(result.fetcher).toBe('browser');
    expect(result.requestedUrl).toBe(site.url('/news/article/1757251'));
    expect(result.finalUrl).toBe(site.url('/news/flintlock-2019'));
    expect(result.redirects).toEqual([{ url: site.url('/news/article/1757251'), status: 301 }]);
    expect(result.status).toBe(200);
    expect(result.startedAt).toBeInstanceOf(Date);
    expect(result.durationMs).toBeGreaterThan(0);
    expect(result.durationMs).toBeLessThanOrEqual(elapsed + 50);
  });

  it('keeps only the allow-listed headers, and cookie names without values', () => {
    expect(result.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(Number(result.headers['content-length'])).toBeGreaterThan(1000);
    expect(result.headers['last-modified']).toBe('Mon, 18 Feb 2019 12:00:00 GMT');
    expect(result.headers['set-cookie']).toBe('session');
    expect(result.headers.date).toMatch(/GMT$/);
    expect(Object.keys(result.headers).every((h) => KEPT_HEADERS.has(h))).toBe(true);
    expect(JSON.stringify(result.headers)).not.toContain('secret-value');
  });

  it('reads title, canonical URL and the article blocks without site chrome', () => {
    const facts = result.facts;
    expect(facts?.title).toBe(`${flintlockArticle.title} > U.S. Africa Command > Article`);
    expect(facts?.canonicalUrl).toBe(site.url(`/news/${slugOf(flintlockArticle.title)}`));
    expect(unboxed(facts?.blocks)[0]).toEqual({ kind: 'heading', text: flintlockArticle.title, main: true });
    const paragraphs = facts?.blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text);
    expect(paragraphs).toEqual([flintlockArticle.byline, flintlockArticle.date, ...flintlockArticle.paragraphs]);
    expect(paragraphs).toContain(
      'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse the cross-border cooperation that the fight against violent extremist organizations requires.',
    );
    expect(facts?.blocks.filter((b) => b.kind === 'caption').map((b) => b.text)).toEqual(flintlockArticle.photos.map((p) => p.caption));
    expect(result.text).toBe(facts?.blocks.map((b) => b.text).join('\n\n'));
    for (const chrome of ['Press Releases', 'United States Africa Command', 'Related stories', 'Kelley Barracks', 'Share this article']) {
      expect(result.text).not.toContain(chrome);
    }
  });

  it('lists the article photos as loaded, with status 200, and keeps their exact bytes', () => {
    // Each photo names its file's SHA-256, read before "unchanged" is decided (a swapped file is a change).
    expect(unboxed(result.facts?.media)).toEqual(
      articleMedia(flintlockArticle, (path) => site.url(path), { loaded: true, status: 200 }).map((m, i) => ({ ...m, sha256: pngSha(flintlockArticle.photos[i]!.file) })),
    );
    expect(result.mediaFiles.map((f) => f.url)).toEqual(flintlockArticle.photos.map((p) => site.url(`/images/${p.file}`)));
    for (const [i, file] of result.mediaFiles.entries()) {
      expect(file.contentType).toBe('image/png');
      expect(file.data.equals(solidPng(flintlockArticle.photos[i]?.file ?? ''))).toBe(true);
    }
    // The header logo is an image of the page, not of the article.
    expect(result.mediaFiles.some((f) => f.url.includes('africom-seal'))).toBe(false);
  });

  it('lists the links of the whole page, and the embedded tweet', () => {
    const links = result.facts?.links ?? [];
    expect(links).toContainEqual({ url: site.url('/leadership'), text: 'Leadership' });
    expect(links).toContainEqual({ url: site.url(`/news/${slugOf(flintlockArticle.related[0] ?? '')}`), text: flintlockArticle.related[0] });
    expect(links).toContainEqual({ url: 'https://www.defense.gov/', text: 'Department of Defense' });
    expect(new Set(links.map((l) => l.url)).size).toBe(links.length);
    expect(unboxed(result.facts?.embeds)).toEqual(articleEmbeds(flintlockArticle));
  });

  it('takes a PNG screenshot cut at the height cap, and keeps the rendered HTML', () => {
    expect(result.screenshot).not.toBeNull();
    expect(pngSize(result.screenshot ?? Buffer.alloc(0))).toEqual({ width: 1280, height: 600 });
    expect(result.html).toContain('<article class="news-article">');
    expect(result.html).toContain('Col. Assimi Goita');
  });
});

describe('capturePage of a page that reads as before', () => {
  it('skips the screenshot and the media files when the page reads exactly as the given fingerprint, and only then', async () => {
    site.article('/news/steady', flintlockArticle);
    const full = await capture('/news/steady');
    const print = fingerprint({ status: full.status, finalUrl: full.finalUrl, errorCode: null, facts: full.facts });
    const same = await capture('/news/steady', { unchangedFrom: print });
    expect(same.error).toBeNull();
    expect(same.sameAs).toBe(print);
    expect(same.screenshot).toBeNull();
    expect(same.mediaFiles).toEqual([]);
    expect(same.facts?.blocks.map((b) => b.text)).toEqual(full.facts?.blocks.map((b) => b.text));

    site.article('/news/steady', { ...flintlockArticle, paragraphs: flintlockArticle.paragraphs.slice(1) });
    const edited = await capture('/news/steady', { unchangedFrom: print });
    expect(edited.sameAs).toBeUndefined();
    expect(edited.screenshot).not.toBeNull();
    expect(edited.mediaFiles.length).toBeGreaterThan(0);
  });
});

describe('capturePage of pages that changed or failed', () => {
  it('reports a removed photo as not loaded, with its 404', async () => {
    site.article('/news/removed-photo', flintlockArticle);
    site.gone('/images/goita-flintlock.png');
    const result = await capture('/news/removed-photo');
    expect(result.error).toBeNull();
    const goita = result.facts?.media.find((m) => m.url.endsWith('/goita-flintlock.png'));
    const range = result.facts?.media.find((m) => m.url.endsWith('/flintlock-range.png'));
    expect(goita).toMatchObject({ loaded: false, status: 404, alt: flintlockArticle.photos[0]?.alt });
    expect(range).toMatchObject({ loaded: true, status: 200 });
    expect(result.mediaFiles.map((f) => f.url)).toEqual([site.url('/images/flintlock-range.png')]);
    site.article('/news/flintlock-2019', flintlockArticle); // serves the photo again for other tests
  });

  it('captures a 404 page as a normal result with that status', async () => {
    site.gone('/news/withdrawn-story');
    const result = await capture('/news/withdrawn-story');
    expect(result.error).toBeNull();
    expect(result.status).toBe(404);
    expect(result.facts?.title).toBe('Page not found');
    // Too little text for Readability: the page's blocks all count as main.
    expect(unboxed(result.facts?.blocks)[0]).toEqual({ kind: 'heading', text: 'Page not found', main: true });
    expect(result.screenshot).not.toBeNull();
  });

  it('gives up on a page that never answers at the deadline, with a timeout error', async () => {
    site.hang('/news/slow');
    const started = Date.now();
    const result = await capture('/news/slow', { timeoutMs: 3_000 });
    const elapsed = Date.now() - started;
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/^capture exceeded 3000 ms while loading the page/);
    expect(result.status).toBeNull();
    expect(result.facts).toBeNull();
    // The result is timed at the deadline; closing the context comes after it, capped at 2 s, and without a
    // deadline the capture would wait for the page until the test times out.
    expect(result.durationMs).toBeGreaterThanOrEqual(2_900);
    expect(result.durationMs).toBeLessThan(4_000);
    expect(elapsed).toBeLessThan(3_000 + 2_000 + 5_000);
    expect(site.hits('/news/slow')).toBe(1);
  });

  it('records a refused connection as refused', async () => {
    const port = await closedPort();
    const result = await captureTarget(
      host,
      { url: `http://127.0.0.1:${port}/news`, fetcher: 'browser', timeoutMs: 10_000, ignore: [] },
      limits,
      logger,
    );
    expect(result.error?.code).toBe('refused');
    expect(result.error?.message).toContain('net::ERR_CONNECTION_REFUSED');
    expect(result.status).toBeNull();
    expect(result.facts).toBeNull();
  });

  it('records an unknown host as dns, not as a blocked URL', async () => {
    const result = await captureTarget(
      host,
      { url: 'http://no-such-host.invalid/news', fetcher: 'browser', timeoutMs: 10_000, ignore: [] },
      { ...limits, allowPrivateNetworks: false },
      logger,
    );
    expect(result.error?.code).toBe('dns');
    expect(result.error?.message).toContain('net::ERR_NAME_NOT_RESOLVED');
  });

  it('reads the page even when one of its images never answers', async () => {
    site.html(
      '/news/stuck-image',
      `<html><head><title>Stuck</title></head><body><article><h1>Stuck image</h1><p>The text is here.</p>
      <figure><img src="/images/stuck.png" alt="Stuck" width="200" height="120"><figcaption>Never arrives</figcaption></figure>
      </article></body></html>`,
    );
    site.hang('/images/stuck.png');
    const result = await capture('/news/stuck-image', { timeoutMs: 10_000 });
    // Timed before the context closes, which is not part of reading the page.
    expect(result.durationMs).toBeLessThan(10_000);
    expect(result.error).toBeNull();
    expect(result.facts?.blocks.map((b) => b.text)).toEqual(['Stuck image', 'The text is here.', 'Never arrives']);
    expect(unboxed(result.facts?.media)).toEqual([
      { kind: 'image', url: site.url('/images/stuck.png'), alt: 'Stuck', caption: 'Never arrives', loaded: false, status: null },
    ]);
    expect(result.screenshot).not.toBeNull();
  });

  it('refuses a private address unless allowed, without visiting it', async () => {
    site.article('/news/private', flintlockArticle);
    const result = await capture('/news/private', {}, { allowPrivateNetworks: false });
    expect(result.error?.code).toBe('blocked_url');
    expect(result.error?.message).toContain('SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true');
    expect(result.facts).toBeNull();
    expect(site.hits('/news/private')).toBe(0);
  });

  it('drops the blocks of ignored selectors', async () => {
    const result = await capture('/news/flintlock-2019', { ignore: ['figure', '.byline', '.date'] });
    expect(result.error).toBeNull();
    const kinds = new Set(result.facts?.blocks.map((b) => b.kind));
    expect(kinds.has('caption')).toBe(false);
    expect(result.text).not.toContain(flintlockArticle.byline);
    expect(result.facts?.blocks.filter((b) => b.kind === 'paragraph').map((b) => b.text)).toEqual(flintlockArticle.paragraphs);
    expect(unboxed(result.facts?.media)).toEqual([]);
    expect(result.mediaFiles).toEqual([]);
  });

  it('reports a file download as download', async () => {
    site.html('/files/report.pdf', '%PDF-1.4 not really', 200, { 'content-type': 'application/pdf', 'content-disposition': 'attachment; filename="report.pdf"' });
    const result = await capture('/files/report.pdf', { timeoutMs: 10_000 });
    expect(result.error?.code).toBe('download');
  });

  it('ends a page over the size cap as too_large', async () => {
    const result = await capture('/news/flintlock-2019', {}, { maxPageBytes: 1_000 });
    expect(result.error?.code).toBe('too_large');
    expect(result.facts).toBeNull();
  });

  it('gets past dialogs and a popup, waits for a selector, and reads the page', async () => {
    site.html(
      '/news/pushy',
      `<html><head><title>Pushy</title></head><body><article><h1>Pushy page</h1><p>Static text.</p></article>
      <script>alert('Subscribe!'); confirm('Really?'); window.open('/popup');
        setTimeout(() => { const p = document.createElement('p'); p.id = 'late'; p.textContent = 'Loaded late.'; document.querySelector('article').append(p); }, 300);
      </script></body></html>`,
    );
    const result = await capture('/news/pushy', { waitFor: '#late', timeoutMs: 15_000 });
    expect(result.error).toBeNull();
    expect(result.facts?.blocks.map((b) => b.text)).toEqual(['Pushy page', 'Static text.', 'Loaded late.']);
  });
});

describe('capturePage of articles built by scripts, with embeds and boxes', () => {
  /** Enough text before the photos that they start well below the 800-pixel viewport. */
  const filler = Array.from({ length: 12 }, (_, i) => `Flintlock 2019 background, part ${i + 1}: ${flintlockArticle.paragraphs[i % 5] ?? ''}`);
  const videos = [
    { src: 'https://www.dvidshub.net/video/embed/667788', title: 'Flintlock 2019 opening ceremony' },
    { src: 'https://www.youtube.com/embed/abc123', title: 'Flintlock 2019 range day' },
  ];
  const inlineRelated = ['AFRICOM commander visits troops in Mauritania', 'Partner nations plan Flintlock 2020 in Senegal'];

  it('scrolls lazy photos into view: loaded, status 200 and their files kept', async () => {
    site.article('/news/lazy-photos', { ...flintlockArticle, paragraphs: [...flintlockArticle.paragraphs, ...filler], lazyPhotos: true });
    const result = await capture('/news/lazy-photos');
    expect(result.error).toBeNull();
    const urls = flintlockArticle.photos.map((p) => site.url(`/images/${p.file}`));
    expect(unboxed(result.facts?.media)).toEqual(
      flintlockArticle.photos.map((p, i) => ({ kind: 'image', url: urls[i], alt: p.alt, caption: p.caption, loaded: true, status: 200, sha256: pngSha(p.file) })),
    );
    expect(result.mediaFiles.map((f) => f.url)).toEqual(urls);
    for (const [i, file] of result.mediaFiles.entries()) expect(file.data.equals(solidPng(flintlockArticle.photos[i]?.file ?? ''))).toBe(true);
  });

  it('reads a body that a script writes after DOMContentLoaded', async () => {
    site.article('/news/rendered-by-js', { ...flintlockArticle, renderWithJs: true });
    const result = await capture('/news/rendered-by-js');
    expect(result.error).toBeNull();
    const paragraphs = result.facts?.blocks.filter((b) => b.kind === 'paragraph');
    expect(paragraphs?.map((b) => b.text)).toEqual([flintlockArticle.byline, flintlockArticle.date, ...flintlockArticle.paragraphs]);
    expect(paragraphs?.every((b) => b.main === true)).toBe(true);
  });

  it('lists video players as videos, and marks the in-article related box as not main', async () => {
    site.article('/news/videos', { ...flintlockArticle, videos, inlineRelated, views: 4099, updated: 'Feb. 19, 2019' });
    const result = await capture('/news/videos');
    expect(result.error).toBeNull();
    expect(result.facts?.media.filter((m) => m.kind === 'video')).toEqual(
      videos.map((v) => ({ kind: 'video', url: v.src, alt: v.title, caption: v.title, loaded: null, status: null })),
    );
    const blocks = result.facts?.blocks ?? [];
    expect(blocks.every((b) => typeof b.main === 'boolean')).toBe(true);
    expect(blocks.filter((b) => b.main === false).map((b) => b.text)).toEqual(['Related stories', ...inlineRelated]);
    for (const text of [flintlockArticle.title, ...flintlockArticle.paragraphs, 'Number of views: 4099', 'Last updated: Feb. 19, 2019']) {
      expect(blocks.find((b) => b.text === text)?.main, text).toBe(true);
    }
  });
});


