import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import { contextsAhead } from '../../src/capture/context-ahead.ts';
import { closeCaptureContext } from '../../src/capture/capture-context.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import type { CaptureLimits, CaptureRequest } from '../../src/capture/types.ts';

const logger = pino({ level: 'silent' });
const limits: CaptureLimits = { allowPrivateNetworks: true, maxPageBytes: 1_000_000, maxCaptureBytes: 50_000_000, maxMediaBytes: 1_000_000, screenshotMaxHeight: 2_000 };
const request = (url: string, fetcher: CaptureRequest['fetcher'] = 'browser'): CaptureRequest => ({ url, fetcher, timeoutMs: 30_000, ignore: [] });

/** Shows what the browser kept from before (cookies, storage), then leaves some of its own for a next visitor. */
const probe = `<!doctype html><html><head><title>Probe</title></head><body><main>
<p id="before"></p><p id="after"></p>
<script>
  var kept = function () { return 'cookie=[' + document.cookie + '] local=[' + localStorage.getItem('seen') + '] session=[' + sessionStorage.getItem('seen') + ']'; };
  document.getElementById('before').textContent = 'before: ' + kept();
  document.cookie = 'seen=yes; path=/; max-age=3600';
  localStorage.setItem('seen', 'yes');
  sessionStorage.setItem('seen', 'yes');
  document.getElementById('after').textContent = 'after: ' + kept();
</script></main></body></html>`;

describe('contexts opened one capture ahead', () => {
  let site: FixtureSite;
  let host: BrowserHost;

  beforeAll(async () => {
    site = await startFixtureSite();
    site.html('/probe', probe, 200, { 'set-cookie': 'visit=1; Path=/; Max-Age=3600' });
    host = createBrowserHost({ chromiumPath: undefined, allowPrivateNetworks: true }, logger);
  });

  afterAll(async () => {
    await host.close();
    await site.close();
  });

  it('never hands a context to a second capture: cookies and storage one capture left are absent from the next', async () => {
    const browser = await host.get();
    expect(browser.contexts()).toHaveLength(0);
    const first = await captureTarget(host, request(site.url('/probe')), limits, logger);
    expect(first.error).toBeNull();
    // Its own response's cookie only: nothing from before.
    expect(first.html).toContain('before: cookie=[visit=1] local=[null] session=[null]');
    expect(first.html).toContain('after: cookie=[visit=1; seen=yes] local=[yes] session=[yes]');
    // The next capture's context is already open, and blank: the first capture's own is closed.
    expect(browser.contexts()).toHaveLength(1);
    const prepared = browser.contexts()[0];
    expect(await prepared?.cookies()).toEqual([]);

    const second = await captureTarget(host, request(site.url('/probe')), limits, logger);
    expect(second.error).toBeNull();
    expect(second.html).toContain('before: cookie=[visit=1] local=[null] session=[null]');
    expect(browser.contexts()).toHaveLength(1);
    expect(browser.contexts()[0]).not.toBe(prepared);
  }, 90_000);

  it('counts the contexts handed to captures, and none for a plain-HTTP fetch', async () => {
    const before = host.contextsOpened();
    await captureTarget(host, request(site.url('/probe')), limits, logger);
    expect(host.contextsOpened()).toBe(before + 1);
    const plain = await captureTarget(host, request(site.url('/probe'), 'http'), limits, logger);
    expect(plain.error).toBeNull();
    expect(host.contextsOpened()).toBe(before + 1);
    await captureTarget(host, request(site.url('/probe')), limits, logger);
    expect(host.contextsOpened()).toBe(before + 2);
  }, 90_000);

  it('closes a prepared context left unused, and the one still waiting on close', async () => {
    const browser = await host.get();
    // The host's own prepared context stays as it is.
    const base = browser.contexts().length;
    const spec = { limits, timeoutMs: 30_000, dnsTimeoutMs: 5_000 };
    const ahead = contextsAhead(browser, logger, 1_000);
    const taken = await ahead.take(spec, true);
    await expect.poll(() => browser.contexts().length, { timeout: 10_000 }).toBe(base + 2);
    await expect.poll(() => browser.contexts().length, { timeout: 10_000 }).toBe(base + 1);
    expect(browser.contexts()).toContain(taken.context);
    expect(await closeCaptureContext(taken)).toBe(true);
    const again = await ahead.take(spec, true);
    await expect.poll(() => browser.contexts().length, { timeout: 10_000 }).toBe(base + 2);
    await closeCaptureContext(again);
    await ahead.close();
    expect(browser.contexts()).toHaveLength(base);
  }, 90_000);
});
