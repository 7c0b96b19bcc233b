import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, findChromium, type BrowserHost } from '../../src/capture/browser.ts';
import { capturePage } from '../../src/capture/capture-page.ts';
import { BrowserCrashedError, ServiceUnavailableError } from '../../src/errors/index.ts';
import { startFixtureSite } from '../../src/demo/fixture-site.ts';
import { browserProcesses, chromiumPids, outlivedClose } from '../helpers/processes.ts';

describe('findChromium', () => {
  it('uses CHROMIUM_PATH when it is an executable file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrubwatch-chromium-'));
    const fake = join(dir, 'chrome');
    writeFileSync(fake, '#!/bin/sh\n');
    chmodSync(fake, 0o755);
    expect(findChromium(fake)).toEqual({ path: fake, source: 'CHROMIUM_PATH' });
  });

  it('refuses a CHROMIUM_PATH that is missing or not executable, naming the variable', () => {
    const dir = mkdtempSync(join(tmpdir(), 'scrubwatch-chromium-'));
    const notExecutable = join(dir, 'chrome');
    writeFileSync(notExecutable, 'text');
    chmodSync(notExecutable, 0o644);
    for (const path of [join(dir, 'missing'), notExecutable, dir]) {
      expect(() => findChromium(path)).toThrow(ServiceUnavailableError);
      expect(() => findChromium(path)).toThrow(/^CHROMIUM_PATH=.* is not an executable file/);
    }
  });

  it('finds the system Chromium when CHROMIUM_PATH is unset', () => {
    expect(findChromium(undefined)).toEqual({ path: '/usr/bin/chromium', source: 'system' });
  });
});

describe('BrowserHost', () => {
  let host: BrowserHost;
  const lines: string[] = [];

  beforeAll(() => {
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(line) });
    host = createBrowserHost({ chromiumPath: undefined }, logger);
  });

  afterAll(async () => {
    await host?.close();
  });

  it('launches lazily, once for concurrent callers, and logs which Chromium it found', async () => {
    expect(await chromiumPids(process.pid)).toEqual([]);
    const [a, b, c] = await Promise.all([host.get(), host.get(), host.get()]);
    expect(a).toBe(b);
    expect(b).toBe(c);
    expect(a.isConnected()).toBe(true);
    expect(await host.get()).toBe(a);
    const found = lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === 'chromium found');
    expect(found).toEqual([expect.objectContaining({ level: 30, path: '/usr/bin/chromium', source: 'system' })]);
  });

  it('launches a new browser after the old one died', async () => {
    const first = await host.get();
    const before = await chromiumPids(process.pid);
    expect(before.length).toBeGreaterThan(0);
    for (const pid of before) process.kill(pid, 'SIGKILL');
    await new Promise<void>((resolve) => (first.isConnected() ? first.once('disconnected', () => resolve()) : resolve()));
    const second = await host.get();
    expect(second).not.toBe(first);
    expect(second.isConnected()).toBe(true);
    const context = await second.newContext();
    await context.close();
  });

  it('throws BrowserCrashedError when the browser dies during a capture, and serves a new one after', async () => {
    const site = await startFixtureSite();
    try {
      site.hang('/news/slow');
      const browser = await host.get();
      const capturing = capturePage(
        browser,
        { url: site.url('/news/slow'), fetcher: 'browser', timeoutMs: 15_000, ignore: [] },
        { allowPrivateNetworks: true, maxPageBytes: 1_000_000, maxCaptureBytes: 50_000_000, maxMediaBytes: 1_000_000, screenshotMaxHeight: 600 },
        pino({ level: 'silent' }),
      );
      while (site.hits('/news/slow') === 0) await new Promise((r) => setTimeout(r, 50));
      for (const pid of await chromiumPids(process.pid)) process.kill(pid, 'SIGKILL');
      await expect(capturing).rejects.toThrow(BrowserCrashedError);
      expect((await host.get()).isConnected()).toBe(true);
    } finally {
      await site.close();
    }
  });

  it('closes so that no Chromium process of ours remains, twice without harm, and refuses use afterwards', async () => {
    await host.get();
    const browsers = await browserProcesses(process.pid);
    expect(browsers.main.length).toBeGreaterThan(0);
    await host.close();
    await host.close();
    expect(await outlivedClose(browsers)).toEqual({ main: [], all: [] });
    expect(await chromiumPids(process.pid)).toEqual([]);
    await expect(host.get()).rejects.toThrow(ServiceUnavailableError);
  });
});
