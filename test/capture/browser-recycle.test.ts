import { afterEach, describe, expect, it } from 'vitest';
import pino from 'pino';
import type { Browser } from 'playwright';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { processTreeMemoryBytes } from '../../src/capture/process-memory.ts';
import { chromiumPids, waitUntil } from '../helpers/processes.ts';

function logged(lines: string[], msg: string): Record<string, unknown>[] {
  return lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.msg === msg);
}

function gone(browser: Browser): Promise<void> {
  return new Promise((resolve) => (browser.isConnected() ? browser.once('disconnected', () => resolve()) : resolve()));
}

/** Uses the browser as a capture would: a context, a page, closed again. */
async function use(browser: Browser): Promise<void> {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.setContent('<h1>in flight</h1>');
  expect(await page.textContent('h1')).toBe('in flight');
  await context.close();
}

describe('BrowserHost recycling', () => {
  let host: BrowserHost | undefined;
  const lines: string[] = [];
  const make = (settings: { browserRecycleCaptures?: number; browserMaxMemoryMb?: number }) => {
    lines.length = 0;
    host = createBrowserHost({ chromiumPath: undefined, ...settings }, pino({ level: 'info' }, { write: (l: string) => void lines.push(l) }));
    return host;
  };

  afterEach(async () => {
    await host?.close();
    host = undefined;
  });

  it('after the configured number of captures, new captures get a fresh browser and the old one closes when its last capture ends', async () => {
    const h = make({ browserRecycleCaptures: 2 });
    const first = await h.acquire();
    const second = await h.acquire();
    expect(second.browser).toBe(first.browser);
    const old = first.browser;

    const third = await h.acquire();
    expect(third.browser).not.toBe(old);
    expect(logged(lines, 'browser recycled')).toEqual([expect.objectContaining({ reason: 'captures', captures: 2, inFlight: 2 })]);
    // The captures in flight keep working on the old browser while the new one serves the next.
    expect(old.isConnected()).toBe(true);
    await Promise.all([use(old), use(third.browser)]);

    first.release();
    first.release();
    expect(old.isConnected()).toBe(true);
    second.release();
    await gone(old);
    expect(third.browser.isConnected()).toBe(true);
    third.release();
    expect(await h.get()).toBe(third.browser);
  });

  it('replaces a browser whose process tree is over the memory limit, measured from /proc', async () => {
    const h = make({ browserMaxMemoryMb: 1 });
    const lease = await h.acquire();
    await use(lease.browser);
    const before = lease.browser;
    lease.release();
    // Read after the capture ends, without holding it up.
    const over = await waitUntil('the memory check', () => logged(lines, 'browser over its memory limit').at(0), 10_000);
    expect(over.memoryMb).toBeGreaterThan(1);
    expect(await processTreeMemoryBytes(over.pid as number)).toBeGreaterThan(1024 * 1024);

    const next = await h.acquire();
    expect(next.browser).not.toBe(before);
    expect(logged(lines, 'browser recycled')).toEqual([expect.objectContaining({ reason: 'memory', inFlight: 0 })]);
    await gone(before);
    next.release();
  });

  it('on close, ends every browser, draining or not, even with captures still holding leases', async () => {
    const h = make({ browserRecycleCaptures: 1 });
    const a = await h.acquire();
    const b = await h.acquire();
    expect(b.browser).not.toBe(a.browser);
    expect((await chromiumPids(process.pid)).length).toBeGreaterThan(0);
    await h.close();
    expect(a.browser.isConnected()).toBe(false);
    expect(b.browser.isConnected()).toBe(false);
    // Chromium's helper processes exit just after the browser process.
    await waitUntil('no Chromium process of ours', async () => (await chromiumPids(process.pid)).length === 0, 5_000);
    await expect(h.acquire()).rejects.toThrow(/closed/);
  });
});
