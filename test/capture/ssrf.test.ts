import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import type { CaptureResult } from '../../src/page-data/capture-result.ts';
import type { CaptureLimits, CaptureRequest } from '../../src/capture/types.ts';
import { assertUrlAllowed } from '../../src/capture/url-policy.ts';
import { startDnsServer, type TestDnsServer } from '../helpers/dns-server.ts';
import { startLoopbackPair, type LoopbackPair } from '../helpers/loopback-pair.ts';

// 127.0.0.1 stands in for a public site (it is the one allowed network); 127.0.0.2, on the same port, for the
// private service an attacker wants reached. Names come from a real DNS server the test runs.
const logger = pino({ level: 'silent' });
let dns: TestDnsServer;
let pair: LoopbackPair;
let host: BrowserHost;
let limits: CaptureLimits;

const FETCHERS = ['browser', 'http'] as const;

beforeAll(async () => {
  [dns, pair] = await Promise.all([startDnsServer(), startLoopbackPair()]);
  limits = {
    allowPrivateNetworks: false,
    allowedNetworks: ['127.0.0.1/32'],
    dnsServers: [dns.address],
    maxPageBytes: 5_000_000,
    maxCaptureBytes: 50_000_000,
    maxMediaBytes: 1_000_000,
    screenshotMaxHeight: 600,
  };
  host = createBrowserHost({ chromiumPath: undefined, ...limits }, logger);
  dns.set('public.sw.test', { answers: ['127.0.0.1'] });
  for (const path of ['/secret', '/a.png', '/frame', '/api', '/b.png', '/ws', '/style.css']) {
    pair.private.html(path, '<html><head><title>Internal</title></head><body><article><h1>Internal</h1><p>internal only</p></article></body></html>');
  }
  pair.public.html('/', '<html><head><title>Public</title></head><body><article><h1>Public page</h1><p>Nothing private here.</p></article></body></html>');
});

afterAll(async () => {
  await host?.close();
  await Promise.all([dns?.close(), pair?.close()]);
});

function capture(url: string, fetcher: CaptureRequest['fetcher'], overrides: Partial<CaptureLimits> = {}): Promise<CaptureResult> {
  return captureTarget(host, { url, fetcher, timeoutMs: 15_000, ignore: [] }, { ...limits, ...overrides }, logger);
}

function expectBlocked(result: CaptureResult, why: RegExp = /private or reserved address/): void {
  expect([result.error?.code, result.error?.message]).toEqual(['blocked_url', expect.stringMatching(why)]);
  expect(result.facts).toBeNull();
}

describe.each(FETCHERS)('SSRF with the %s fetcher', (fetcher) => {
  it.each([
    (port: number) => `http://127.0.0.2:${port}/secret`,
    () => 'http://10.0.0.1/',
    () => 'http://172.16.0.1/',
    () => 'http://192.168.1.1/',
    () => 'http://169.254.169.254/latest/meta-data/',
    (port: number) => `http://[::1]:${port}/secret`,
    (port: number) => `http://[::ffff:127.0.0.2]:${port}/secret`,
    (port: number) => `http://[::ffff:7f00:2]:${port}/secret`,
    (port: number) => `http://0.0.0.0:${port}/secret`,
    (port: number) => `http://localhost:${port}/secret`,
  ])('refuses a literal private target (%#)', async (target) => {
    expectBlocked(await capture(target(pair.port), fetcher));
    expect(pair.private.requests).toEqual([]);
  });

  it('refuses 127.0.0.1 itself when it is not in the allowed networks', async () => {
    expectBlocked(await capture(`${pair.public.origin}/`, fetcher, { allowedNetworks: [] }), /SCRUBWATCH_ALLOW_PRIVATE_NETWORKS=true/);
  });

  it.each([
    ['loopback', ['127.0.0.2']],
    ['ten', ['10.0.0.1']],
    ['b172', ['172.16.0.1']],
    ['c192', ['192.168.1.1']],
    ['metadata', ['169.254.169.254']],
    ['v6-loopback', ['::1']],
    ['v6-mapped', ['::ffff:127.0.0.2']],
    ['v6-mapped-hex', ['::ffff:7f00:2']],
    ['unspecified', ['0.0.0.0']],
    ['half', ['127.0.0.1', '127.0.0.2']],
  ])('refuses a name resolving to %s (%j)', async (label, answers) => {
    const name = `${label}-${fetcher}.sw.test`;
    dns.set(name, { answers });
    const result = await capture(`http://${name}:${pair.port}/secret`, fetcher);
    expectBlocked(result, new RegExp(`${name.replace(/\./g, '\\.')} resolves to`));
    expect(dns.queries(name)).toBeGreaterThan(0);
    expect(pair.private.requests).toEqual([]);
  });

  it('captures the allowed "public" page by name', async () => {
    const result = await capture(`http://public.sw.test:${pair.port}/`, fetcher);
    expect(result.error).toBeNull();
    expect(result.status).toBe(200);
    expect(result.text).toContain('Nothing private here.');
  });

  it.each([301, 302, 307])('refuses a %i redirect to the private address, having asked it nothing', async (status) => {
    pair.public.redirect(`/moved-${status}-${fetcher}`, `http://127.0.0.2:${pair.port}/secret`, status);
    const result = await capture(`${pair.public.origin}/moved-${status}-${fetcher}`, fetcher);
    expectBlocked(result, new RegExp(`^redirected to http://127\\.0\\.0\\.2:${pair.port}/secret: `));
    expect(result.redirects.map((h) => h.status)).toEqual([status]);
    expect(pair.private.requests).toEqual([]);
  });

  it('refuses a redirect to a name that resolves to the private address', async () => {
    pair.public.redirect(`/to-name-${fetcher}`, `http://loopback-${fetcher}.sw.test:${pair.port}/secret`);
    expectBlocked(await capture(`${pair.public.origin}/to-name-${fetcher}`, fetcher), /^redirected to http:\/\/loopback-/);
    expect(pair.private.requests).toEqual([]);
  });

  it('never reaches the private answer of a rebinding name, across repeated captures', async () => {
    const name = `rebind-${fetcher}.sw.test`;
    dns.set(name, { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    const codes: (string | null)[] = [];
    for (let i = 0; i < 4; i++) codes.push((await capture(`http://${name}:${pair.port}/`, fetcher)).error?.code ?? null);
    expect(codes).toEqual([null, 'blocked_url', 'blocked_url', 'blocked_url']);
    expect(dns.served(name)).toContain('127.0.0.2');
    expect(pair.private.requests).toEqual([]);
  });

  it('refuses a name that passed the check when it was added and then rebinds', async () => {
    const name = `added-${fetcher}.sw.test`;
    dns.set(name, { answers: ['127.0.0.1'], then: ['127.0.0.2'] });
    await expect(assertUrlAllowed(`http://${name}:${pair.port}/`, limits)).resolves.toBeUndefined();
    expectBlocked(await capture(`http://${name}:${pair.port}/`, fetcher), /resolves to 127\.0\.0\.2/);
    expect(pair.private.requests).toEqual([]);
  });

  it('never reaches the private answer of a name that alternates at every lookup', async () => {
    const name = `flip-${fetcher}.sw.test`;
    dns.set(name, { alternate: ['127.0.0.1', '127.0.0.2'] });
    const codes = new Set<string | null>();
    for (let i = 0; i < 4; i++) codes.add((await capture(`http://${name}:${pair.port}/`, fetcher)).error?.code ?? null);
    expect([...codes].every((c) => c === null || c === 'blocked_url')).toBe(true);
    expect(dns.served(name)).toContain('127.0.0.2');
    expect(pair.private.requests).toEqual([]);
  });
});

describe('SSRF in the browser: what the page does after it loads', () => {
  it.each([
    ['a meta refresh', (to: string) => `<meta http-equiv="refresh" content="0;url=${to}">`],
    ['a script', (to: string) => `<script>setTimeout(() => { location.href = ${JSON.stringify(to)}; }, 50);</script>`],
  ])('refuses %s to the private address', async (label, tag) => {
    const path = `/js-${label.replace(/\W/g, '-')}`;
    const to = `http://127.0.0.2:${pair.port}/secret`;
    pair.public.html(path, `<html><head>${tag(to)}<title>Leaving</title></head><body><p>Leaving now.</p></body></html>`);
    const result = await capture(`${pair.public.origin}${path}`, 'browser');
    expectBlocked(result, new RegExp(`^redirected to ${to.replace(/\./g, '\\.')}: `));
    expect(pair.private.requests).toEqual([]);
  });

  it('refuses a redirect to https on the private address (a refused CONNECT tunnel)', async () => {
    pair.public.redirect('/to-https', `https://127.0.0.2:${pair.port}/secret`);
    expectBlocked(await capture(`${pair.public.origin}/to-https`, 'browser'), /^redirected to https:\/\/127\.0\.0\.2/);
    expect(pair.private.connections()).toBe(0);
  });

  it('captures a page whose images, frame, fetch, stylesheet and websocket aim at private addresses, and they get nothing', async () => {
    const p = `127.0.0.2:${pair.port}`;
    pair.public.html(
      '/nosy',
      `<html><head><title>Nosy</title><link rel="stylesheet" href="https://${p}/style.css"></head><body><article>
        <h1>Nosy page</h1><p>It looks around the network.</p>
        <img src="http://${p}/a.png" alt="a"><img src="http://loopback-browser.sw.test:${pair.port}/b.png" alt="b">
        <iframe src="http://${p}/frame"></iframe></article>
        <script>fetch('http://${p}/api').catch(() => {}); try { new WebSocket('ws://${p}/ws'); } catch (e) {}
          fetch('http://metadata-browser.sw.test/latest/meta-data/').catch(() => {});</script></body></html>`,
    );
    const result = await capture(`${pair.public.origin}/nosy`, 'browser');
    expect(result.error).toBeNull();
    expect(result.status).toBe(200);
    expect(result.text).toContain('It looks around the network.');
    expect(pair.public.requests).toContain('/nosy');
    expect(pair.private.requests).toEqual([]);
    expect(pair.private.connections()).toBe(0);
  });
});

describe('the control: the private server is there to be reached', () => {
  it.each(FETCHERS)('is reached by the %s fetcher once its network is allowed, so the zero counts above are refusals', async (fetcher) => {
    const before = pair.private.requests.length;
    const result = await capture(`http://127.0.0.2:${pair.port}/secret`, fetcher, { allowedNetworks: ['127.0.0.0/8'] });
    expect(result.error).toBeNull();
    expect(result.text).toContain('internal only');
    expect(pair.private.requests.slice(before)).toContain('/secret');
  });
});
