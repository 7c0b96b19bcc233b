import { monitorEventLoopDelay } from 'node:perf_hooks';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import type { CaptureResult, FetcherKind } from '../../src/page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from '../../src/capture/types.ts';
import { FACT_CAPS } from '../../src/extract/caps.ts';
import { articlePage, CHARSET_PAGES, HUGE_PAGE_BYTES, LOOP_STALL_BOUND_MS, startHostileSite, type HostileSite, type StreamTally } from '../helpers/hostile-site.ts';
import { filler } from '../helpers/hostile-text.ts';
import { noRendererButTheNextContext } from '../helpers/renderers.ts';

const logger = pino({ level: 'silent' });
const limits: CaptureLimits = { allowPrivateNetworks: true, maxPageBytes: 5_000_000, maxCaptureBytes: 50_000_000, maxMediaBytes: 1_000_000, screenshotMaxHeight: 1_500 };
/** Generous: the cases that must end early (too large, refused) would otherwise end as timeouts, and fail. */
const LONG_MS = 30_000;
/** For the cases that can only end at the deadline. */
const SHORT_MS = 6_000;

let site: HostileSite;
let host: BrowserHost;

beforeAll(async () => {
  site = await startHostileSite();
  // A variable, not a literal: the browser host's config grows fields this test does not need to name.
  const hostConfig = { chromiumPath: undefined, allowPrivateNetworks: true };
  host = createBrowserHost(hostConfig, logger);
});

afterAll(async () => {
  await host?.close();
  await site?.close();
});

function capture(fetcher: FetcherKind, url: string, timeoutMs = LONG_MS): Promise<CaptureResult> {
  const req: CaptureRequest = { url, fetcher, timeoutMs, ignore: [] };
  return captureTarget(host, req, limits, logger);
}

/** Whether any string in `value` (keys too) holds a NUL or an unpaired surrogate. */
function hasUnstorable(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000') || /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value);
  if (Buffer.isBuffer(value) || value instanceof Date || value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(([key, item]) => hasUnstorable(key) || hasUnstorable(item));
}

async function tallyOnceHungUp(path: string): Promise<StreamTally | undefined> {
  for (let i = 0; i < 100 && !site.streamed(path)?.hungUp; i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return site.streamed(path);
}

/** After a capture, every renderer is gone and the next capture of a normal page on the same browser works. */
async function expectBrowserRecovered(name: string): Promise<void> {
  expect(await noRendererButTheNextContext(host)).toEqual([]);
  const next = await capture('browser', site.url(`/article/after-${name}`));
  expect(next.error).toBeNull();
  expect(next.facts?.title).toBe(`Article after-${name}`);
}

describe.each(['browser', 'http'] as const)('hostile pages through the %s fetcher', (fetcher) => {
  it('gives up an endless redirect loop as too_many_redirects', async () => {
    const result = await capture(fetcher, site.url('/redirect-loop/0'));
    expect(result.error?.code).toBe('too_many_redirects');
    expect(result.error?.message).toMatch(/^the page kept redirecting and was given up: /);
    expect(result.facts).toBeNull();
    if (fetcher === 'http') expect(result.redirects).toHaveLength(10);
    else expect(result.error?.message).toContain('net::ERR_TOO_MANY_REDIRECTS');
  });

  it('stops a 50 MB page without a Content-Length while it streams, as too_large', async () => {
    const result = await capture(fetcher, site.url('/huge'));
    expect(result.error?.code).toBe('too_large');
    expect(result.error?.message).toContain('5000000-byte');
    expect(result.facts).toBeNull();
    const tally = await tallyOnceHungUp('/huge');
    expect(tally?.hungUp).toBe(true);
    expect(tally?.bytes).toBeLessThan(HUGE_PAGE_BYTES / 2);
  });

  it('refuses a 50 MB page that declares its size, at its headers', async () => {
    const result = await capture(fetcher, site.url('/huge-declared'));
    expect(result.error?.code).toBe('too_large');
    expect(result.error?.message).toContain(String(HUGE_PAGE_BYTES));
    expect(result.facts).toBeNull();
    expect((await tallyOnceHungUp('/huge-declared'))?.bytes).toBeLessThan(HUGE_PAGE_BYTES / 2);
  });

  it('stops an endless stream as too_large, not at the deadline', async () => {
    const result = await capture(fetcher, site.url('/endless'));
    expect(result.error?.code).toBe('too_large');
    expect(result.facts).toBeNull();
    expect((await tallyOnceHungUp('/endless'))?.hungUp).toBe(true);
  });

  it('refuses a self-signed certificate as tls, saying the certificate was refused', async () => {
    const result = await capture(fetcher, site.tlsUrl('/article/secure'));
    expect(result.error?.code).toBe('tls');
    expect(result.error?.message).toMatch(/^refused the server's TLS certificate, which is not trusted/);
    expect(result.status).toBeNull();
    expect(site.hits('/article/secure')).toBe(0);
  });

  it('reports a file download as download', async () => {
    const result = await capture(fetcher, site.url('/download'));
    expect(result.error?.code).toBe('download');
    expect(result.error?.message).toContain('file download');
    expect(result.facts).toBeNull();
  });

  it.each(Object.keys(CHARSET_PAGES))('reads the %s page as a browser shows it', async (name) => {
    const page = CHARSET_PAGES[name]!;
    const result = await capture(fetcher, site.url(`/charset/${name}`));
    expect(result.error).toBeNull();
    expect(result.facts?.title).toBe(page.title);
    expect(result.facts?.blocks.slice(0, 2).map((b) => b.text)).toEqual([page.title, page.paragraph]);
  });

  it('replaces NUL characters and unpaired surrogates, so the result can be stored', async () => {
    const result = await capture(fetcher, site.url('/unstorable'));
    expect(result.error).toBeNull();
    expect(hasUnstorable(result)).toBe(false);
    expect(result.facts?.title).toMatch(/^Notice. with a NUL/);
    expect(result.text).toContain('\uFFFD');
    const script = result.facts?.blocks.find((b) => b.text.startsWith('Written by a script'));
    if (fetcher === 'browser') expect(script?.text).toBe('Written by a script: NUL \uFFFD, lone \uFFFD and \uFFFD, version 1.');
  });
});

describe('hostile pages that only a browser runs', () => {
  it('scrolls an infinite feed for a bounded time, reads the page and cuts the screenshot at the cap', async () => {
    const result = await capture('browser', site.url('/infinite-scroll'));
    expect(result.error).toBeNull();
    expect(result.facts?.title).toBe('Endless feed');
    // The feed grew while it was scrolled: more than the 20 items it starts with.
    expect(result.html?.match(/Feed item \d+/g)?.length).toBeGreaterThan(20);
    expect(result.screenshot?.readUInt32BE(20)).toBe(limits.screenshotMaxHeight);
  });

  it('gets past alerts, confirms, prompts and an onbeforeunload, and its context closes', async () => {
    const result = await capture('browser', site.url('/dialogs'));
    expect(result.error).toBeNull();
    expect(result.facts?.title).toBe('Pushy dialogs');
    await expectBrowserRecovered('dialogs');
  });

  it('ends a page that shows alerts for ever at the deadline, and kills its renderer', async () => {
    const result = await capture('browser', site.url('/alert-loop'), SHORT_MS);
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/^capture exceeded 6000 ms while /);
    await expectBrowserRecovered('alert-loop');
  });

  it('closes the popups a page opens and reads the page', async () => {
    const result = await capture('browser', site.url('/popups'));
    expect(result.error).toBeNull();
    expect(result.facts?.title).toBe('Popups');
    await expectBrowserRecovered('popups');
  });

  it.each(['/js-loop-inline', '/js-loop-after-load'])('ends %s at the deadline and kills the spinning renderer', async (path) => {
    expect(await noRendererButTheNextContext(host)).toEqual([]);
    const result = await capture('browser', site.url(path), SHORT_MS);
    expect(result.error?.code).toBe('timeout');
    // The page's script never yielded: reading or scrolling it (a script run in the page) never answered.
    expect(result.error?.message).toMatch(/^capture exceeded 6000 ms while (reading|scrolling) the page$/);
    expect(result.status).toBe(200);
    await expectBrowserRecovered(path.slice(1));
  });

  it('reads a page whose load event never fires (an image, a frame and a script that never answer)', async () => {
    const result = await capture('browser', site.url('/never-loads'), 12_000);
    expect(result.error).toBeNull();
    expect(result.facts?.title).toBe('Never loads');
    expect(result.facts?.media).toEqual([expect.objectContaining({ url: site.url('/hang/image.png'), loaded: false, status: null })]);
    expect(result.screenshot).not.toBeNull();
  });

  it.each(['/blocking-script', '/trickle'])('reads %s, which never finishes parsing, at the reserve, and keeps it with a timeout error', async (path) => {
    const result = await capture('browser', site.url(path), 12_000);
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/^the page never finished loading \(DOMContentLoaded had not fired after \d+ ms/);
    expect(result.status).toBe(200);
    expect(result.facts?.blocks[0]?.text).toBe(path === '/trickle' ? 'Trickle' : 'Blocking script');
    expect(result.screenshot).not.toBeNull();
  });
});

describe('a document that stalls longer than the egress proxy waits for an answer to begin', () => {
  it('is read at the reserve and kept with a timeout error, not cut by the proxy with nothing kept', async () => {
    // The proxy's connect timeout (30 s by default) shortened below the capture's time, as a 45 s capture has it.
    const result = await captureTarget(host, { url: site.url('/trickle'), fetcher: 'browser', timeoutMs: 6_000, ignore: [] }, { ...limits, connectTimeoutMs: 1_000 }, logger);
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/^the page never finished loading \(DOMContentLoaded had not fired after \d+ ms/);
    expect(result.status).toBe(200);
    expect(result.facts?.blocks[0]?.text).toBe('Trickle');
    expect(result.screenshot).not.toBeNull();
  });
});

describe('a body that never ends, over plain HTTP', () => {
  it('parses what arrived before the deadline and keeps it with a timeout error', async () => {
    const result = await capture('http', site.url('/trickle'), 4_000);
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/^the page was still arriving after \d+ ms; its first \d+ bytes were read$/);
    expect(result.status).toBe(200);
    expect(result.facts?.blocks[0]?.text).toBe('Trickle');
  });
});

describe.each(['browser', 'http'] as const)('local addresses through the %s fetcher: refused, nothing of them kept', (fetcher) => {
  /** The first line of the machine's password file, which no result may ever hold. */
  const PASSWD = /root:x?:0:0:/;
  const LOCAL = ['file:///etc/passwd', 'view-source:file:///etc/passwd', 'chrome://version/'];

  function expectNothingKept(result: CaptureResult): void {
    expect(result.error?.code).toBe('blocked_url');
    expect(result).toMatchObject({ facts: null, html: null, text: null, screenshot: null, mediaFiles: [] });
    expect(JSON.stringify(result)).not.toMatch(PASSWD);
  }

  it.each(LOCAL)('refuses the target %s itself, before loading anything', async (url) => {
    const result = await capture(fetcher, url);
    expectNothingKept(result);
    expect(result.error?.message).toBe(`${url} is not an http(s) address; scrubwatch only ever reaches http:// and https:// addresses`);
    expect(result.durationMs).toBeLessThan(2_000);
  });

  it.each(LOCAL)('refuses a redirect to %s, naming it', async (url) => {
    const result = await capture(fetcher, site.url(`/redirect-to?url=${encodeURIComponent(url)}`));
    expectNothingKept(result);
    expect(result.error?.message).toContain(url);
    expect(result.error?.message).toMatch(/redirected to/);
  });
});

describe('a page that navigates or frames local addresses in the browser', () => {
  const PASSWD = /root:x?:0:0:/;
  const tries = (url: string) =>
    `<iframe src="${url}"></iframe><iframe src="/redirect-to?url=${encodeURIComponent(url)}"></iframe><img src="${url}" alt="local">` +
    `<script>setTimeout(() => { location.href = ${JSON.stringify(url)}; }, 50)</script>`;

  it.each(['file:///etc/passwd', 'view-source:file:///etc/passwd', 'chrome://version/'])('keeps nothing of %s: Chromium refuses a web page every way there', async (url) => {
    const path = `/local-tries/${encodeURIComponent(url)}`;
    site.html(path, `<!doctype html><html><head><title>Tries</title><meta http-equiv="refresh" content="0;url=${url}"></head><body><article><h1>Tries</h1><p>A page reaching for the machine it is read on.</p></article>${tries(url)}</body></html>`);
    const result = await capture('browser', site.url(path));
    expect(result.error).toBeNull();
    expect(result.finalUrl).toBe(site.url(path));
    expect(result.facts?.title).toBe('Tries');
    expect(`${result.html}\n${result.text}`).not.toMatch(PASSWD);
    expect(result.html).not.toContain('Command Line');
  });
});

describe('pages that cost seconds of CPU to read', () => {
  /**
   * A capture with the main thread's event-loop delay measured throughout: what the API, the UI and the queue's
   * lock renewals would wait for. A stall is recorded when the loop next turns, so it is given one turn after.
   */
  async function captureWatchingLoop(path: string, timeoutMs: number, fetcher: FetcherKind = 'http'): Promise<{ result: CaptureResult; maxDelayMs: number }> {
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    try {
      const result = await capture(fetcher, site.url(path), timeoutMs);
      await new Promise((resolve) => setTimeout(resolve, 50));
      return { result, maxDelayMs: delay.max / 1e6 };
    } finally {
      delay.disable();
    }
  }

  it('reads 120,000 images off the main thread within the deadline, keeping the first 1,000 and saying so', async () => {
    const { result, maxDelayMs } = await captureWatchingLoop('/many-images', LONG_MS);
    expect(result.error).toBeNull();
    expect(result.durationMs).toBeLessThan(LONG_MS);
    expect(result.facts?.title).toBe('Many images');
    expect(result.facts?.media).toHaveLength(FACT_CAPS.media);
    expect(result.facts?.truncated).toContain(`media: only the first ${FACT_CAPS.media} were kept`);
    expect(result.text).toContain('Many images, paragraph 1');
    expect(maxDelayMs).toBeLessThan(LOOP_STALL_BOUND_MS);
  });

  it('stops reading 100,000 nested elements at the deadline as a timeout, keeping the HTML, the event loop free', async () => {
    const timeoutMs = 2_000;
    const { result, maxDelayMs } = await captureWatchingLoop('/deep-nesting', timeoutMs);
    expect(result.error?.code).toBe('timeout');
    expect(result.error?.message).toMatch(/^the capture's deadline passed while the page was being read \(after \d+ ms of reading\); reading was stopped$/);
    expect(result.durationMs).toBeLessThan(timeoutMs + 1_000);
    expect(result.status).toBe(200);
    expect(result.facts).toBeNull();
    expect(result.html).toContain('Deep nesting, paragraph 4');
    expect(maxDelayMs).toBeLessThan(LOOP_STALL_BOUND_MS);
  });

  it('reads a page of 300,000 elements in the browser, its main content marked off the main thread', async () => {
    // Hidden, so Chromium need not lay them out or paint them; its rendered HTML still holds them all.
    site.html('/many-elements', articlePage('Many elements', filler('Many elements'), `<div hidden>${'<i>x</i> '.repeat(300_000)}</div>`));
    const { result, maxDelayMs } = await captureWatchingLoop('/many-elements', LONG_MS, 'browser');
    expect(result.error).toBeNull();
    expect(result.facts?.title).toBe('Many elements');
    expect(result.facts?.blocks.every((b) => b.main === true)).toBe(true);
    expect(maxDelayMs).toBeLessThan(LOOP_STALL_BOUND_MS);
  });
});
