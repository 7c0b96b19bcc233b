import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkThroughQueue } from '../../src/checks/check-now.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { useContextRig } from '../helpers/context-rig.ts';

/**
 * A site that answers every page after `delayMs`, and counts how many requests per Host header it serves at once.
 * Pages are held until pages of two hosts are in flight together, or until `meetMs` after the first page: two
 * hosts captured side by side then overlap however far apart their captures start, and a worker that runs one
 * host at a time never makes them meet.
 */
function startSlowSite(delayMs: number, meetMs: number): Promise<{ server: Server; port: number; peak: Map<string, number>; overall: () => number }> {
  const inFlight = new Map<string, number>();
  const peak = new Map<string, number>();
  let now = 0;
  let overall = 0;
  let meet = () => {};
  const met = new Promise<void>((resolve) => (meet = resolve));
  let giveUp: NodeJS.Timeout | undefined;
  const server = createServer((req, res) => {
    if (req.url === '/favicon.ico') return void res.writeHead(404).end();
    const host = (req.headers.host ?? '').split(':')[0]!;
    inFlight.set(host, (inFlight.get(host) ?? 0) + 1);
    peak.set(host, Math.max(peak.get(host) ?? 0, inFlight.get(host)!));
    overall = Math.max(overall, ++now);
    if ([...inFlight.values()].filter((n) => n > 0).length >= 2) meet();
    giveUp ??= setTimeout(meet, meetMs).unref();
    void met.then(() =>
      setTimeout(() => {
        inFlight.set(host, inFlight.get(host)! - 1);
        now -= 1;
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<title>${req.url}</title><p>Page ${req.url} on ${host}.</p>`);
      }, delayMs),
    );
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: (server.address() as AddressInfo).port, peak, overall: () => overall })));
}

describe('politeness: one capture per host at a time, across the worker, while other hosts proceed', () => {
  // The defaults a deployment runs with (one at a time per host), and room for four captures at once.
  const rig = useContextRig({ SCRUBWATCH_HOST_CONCURRENCY: '1', SCRUBWATCH_HOST_GAP: '200ms', SCRUBWATCH_CONCURRENCY: '4' });
  let worker: RunningWorker;
  let site: Awaited<ReturnType<typeof startSlowSite>>;

  beforeAll(async () => {
    // Well inside the 45 s capture timeout, and short enough that a worker running one host at a time fails on
    // the overlap check below rather than on the test timeout.
    site = await startSlowSite(600, 20_000);
    worker = await startWorker(rig.ctx, processors);
  });
  afterAll(async () => {
    await worker?.close();
    await new Promise((r) => site?.server.close(r));
  });

  it('never serves two captures of one host at once, delays the waiting jobs instead of failing them, and counts the waits', async () => {
    const targets = [];
    for (const host of ['127.0.0.1', 'localhost']) {
      for (const n of [1, 2, 3]) targets.push(await addTarget(rig.ctx, { url: `http://${host}:${site.port}/page-${n}`, every: '6h' }));
    }
    for (const t of targets) await rig.ctx.captureQueue.remove(`first-${t.id}`);

    const results = await checkThroughQueue(rig.ctx, targets, 120_000, () => undefined);
    expect(results.map((r) => r.snapshot.error)).toEqual(targets.map(() => null));
    expect(results.map((r) => r.snapshot.status)).toEqual(targets.map(() => 200));
    expect(site.peak.get('127.0.0.1')).toBe(1);
    expect(site.peak.get('localhost')).toBe(1);
    // The two hosts were captured side by side: politeness holds one host back, not the worker.
    expect(site.overall()).toBe(2);
    const waits = await rig.ctx.hostGate.waits();
    expect(waits.find((w) => w.host === '127.0.0.1')?.count).toBeGreaterThan(0);
    expect(waits.find((w) => w.host === 'localhost')?.count).toBeGreaterThan(0);
    expect(await rig.ctx.captureQueue.getFailedCount()).toBe(0);
  });
});
