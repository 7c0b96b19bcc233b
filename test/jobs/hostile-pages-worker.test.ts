import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkThroughQueue, type CheckResult } from '../../src/checks/check-now.ts';
import { getBlob } from '../../src/db/blobs.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import type { CaptureErrorCode, FetcherKind } from '../../src/page-data/capture-result.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { FACT_CAPS } from '../../src/extract/caps.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { CHARSET_PAGES, LOOP_STALL_BOUND_MS, startHostileSite, unstorablePage, type HostileSite } from '../helpers/hostile-site.ts';
import { noRendererButTheNextContext } from '../helpers/renderers.ts';
import { unschedule } from '../helpers/unschedule.ts';

/**
 * Each hostile page through the real path: a target, a job on the queue, the worker's capture, the store. Each
 * must leave exactly one snapshot row (with its error code when it failed, never a removal alert), leave no
 * renderer behind, and the same worker must then capture a normal page as usual.
 */
interface HostileCase {
  path: string;
  code: CaptureErrorCode | null;
  /** Per-target capture timeout, for the cases that can only end at the deadline. */
  timeoutMs?: number;
  tls?: boolean;
  /** The page's title, when it is read (with or without an error). */
  title?: string;
}

const browserCases: HostileCase[] = [
  { path: '/redirect-loop/0', code: 'too_many_redirects' },
  { path: '/huge', code: 'too_large' },
  { path: '/huge-declared', code: 'too_large' },
  { path: '/endless', code: 'too_large' },
  { path: '/article/over-tls', code: 'tls', tls: true },
  { path: '/download', code: 'download' },
  { path: '/alert-loop', code: 'timeout', timeoutMs: 6_000 },
  { path: '/js-loop-inline', code: 'timeout', timeoutMs: 6_000 },
  { path: '/js-loop-after-load', code: 'timeout', timeoutMs: 6_000 },
  { path: '/blocking-script', code: 'timeout', timeoutMs: 8_000, title: 'Blocking script' },
  { path: '/trickle', code: 'timeout', timeoutMs: 8_000, title: 'Trickle' },
  { path: '/infinite-scroll', code: null, title: 'Endless feed' },
  { path: '/dialogs', code: null, title: 'Pushy dialogs' },
  { path: '/popups', code: null, title: 'Popups' },
  { path: '/never-loads', code: null, timeoutMs: 12_000, title: 'Never loads' },
  { path: '/charset/shift-jis', code: null, title: CHARSET_PAGES['shift-jis']!.title },
  { path: '/charset/misdeclared', code: null, title: CHARSET_PAGES.misdeclared!.title },
];

const httpCases: HostileCase[] = [
  { path: '/redirect-loop/0', code: 'too_many_redirects' },
  { path: '/huge', code: 'too_large' },
  { path: '/endless', code: 'too_large' },
  { path: '/article/over-tls', code: 'tls', tls: true },
  { path: '/download', code: 'download' },
  { path: '/trickle', code: 'timeout', timeoutMs: 4_000, title: 'Trickle' },
  // Reading it takes seconds (100,000 nested elements): the reader thread is stopped at the deadline.
  { path: '/deep-nesting', code: 'timeout', timeoutMs: 2_000 },
  { path: '/charset/windows-1251', code: null, title: CHARSET_PAGES['windows-1251']!.title },
  { path: '/charset/header-over-meta', code: null, title: CHARSET_PAGES['header-over-meta']!.title },
];

describe('hostile pages through the queue, the worker and Postgres', () => {
  const rig = useContextRig({ SCRUBWATCH_MAX_PAGE_BYTES: '5000000', SCRUBWATCH_SCREENSHOT_MAX_HEIGHT: '1500' });
  let site: HostileSite;
  let worker: RunningWorker;
  let normal = 0;

  beforeAll(async () => {
    site = await startHostileSite();
    worker = await startWorker(rig.ctx, processors);
  });
  afterAll(async () => {
    await worker?.close();
    await site?.close();
  });

  async function check(url: string, fetcher: FetcherKind, timeoutMs?: number): Promise<CheckResult> {
    const target = await addTarget(rig.ctx, { url, every: '6h', fetcher, options: timeoutMs ? { timeoutMs } : {} });
    // Left to run, its first capture would come tens of seconds later, in another case: a second snapshot, or a
    // hostile page's renderer still spinning while that case waits for none.
    await unschedule(rig.ctx, target);
    const [result] = await checkThroughQueue(rig.ctx, [{ id: target.id, kind: 'page' }], 60_000, () => undefined);
    return result!;
  }

  /** The worker took the hostile page in its stride: no renderer left, and a normal page captures as usual. */
  async function expectWorkerHealthy(fetcher: FetcherKind): Promise<void> {
    expect(await noRendererButTheNextContext(rig.ctx.browser)).toEqual([]);
    const path = `/article/normal-${++normal}`;
    const { snapshot } = await check(site.url(path), fetcher);
    expect(snapshot).toMatchObject({ error: null, status: 200, title: `Article normal-${normal}`, outcome: { kind: 'ok', signal: 'ok' } });
  }

  describe.each([
    ['browser', browserCases],
    ['http', httpCases],
  ] as const)('with the %s fetcher', (fetcher, cases) => {
    it.each(cases)('$path: one snapshot with error $code, no alert, and the worker goes on', async (c) => {
      // The query keeps the two fetchers' targets apart (one target per URL); the site answers by path.
      const url = `${c.tls ? site.tlsUrl(c.path) : site.url(c.path)}?via=${fetcher}`;
      const { targetId, snapshot, alerts } = await check(url, fetcher, c.timeoutMs);
      expect(await listSnapshots(rig.ctx.pool, targetId)).toEqual([snapshot]);
      expect(snapshot.error?.code ?? null).toBe(c.code);
      if (c.code) {
        expect(snapshot.error?.message).not.toBe('');
        expect(snapshot.outcome?.kind).toBe('error');
      }
      if (c.title) expect(snapshot.title).toBe(c.title);
      expect(alerts).toEqual([]);
      await expectWorkerHealthy(fetcher);
    });
  });

  it('captures 120,000 images over plain HTTP within the deadline while the worker’s event loop stays free', async () => {
    // The worker runs in this process: a page read on its main thread would stall the loop (and the job's lock).
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const { snapshot, alerts } = await check(site.url('/many-images'), 'http');
    await new Promise((resolve) => setTimeout(resolve, 50));
    delay.disable();
    expect(snapshot).toMatchObject({ error: null, status: 200, title: 'Many images', counts: { media: FACT_CAPS.media } });
    expect(snapshot.durationMs).toBeLessThan(45_000);
    expect(alerts).toEqual([]);
    expect(delay.max / 1e6).toBeLessThan(LOOP_STALL_BOUND_MS);
    await expectWorkerHealthy('http');
  });

  it.each(['browser', 'http'] as const)(
    'stores a page with NUL characters and unpaired surrogates with the %s fetcher, and the change record between two captures',
    async (fetcher) => {
      const path = `/unstorable-${fetcher}`;
      site.html(path, unstorablePage(1));
      const first = await check(site.url(path), fetcher);
      site.html(path, unstorablePage(2));
      const [second] = await checkThroughQueue(rig.ctx, [{ id: first.targetId, kind: 'page' }], 60_000, () => undefined);

      expect(first.snapshot.error).toBeNull();
      expect(first.snapshot.title).toMatch(/^Notice\uFFFD with a NUL/);
      expect(second?.snapshot.error).toBeNull();
      expect(second?.change?.previousSnapshotId).toBe(first.snapshot.id);
      const removed = second?.change?.record.blocks.removed.map((b) => b.text) ?? [];
      expect(removed.some((text) => text.includes('Version 1.') && text.includes('\uFFFD'))).toBe(true);
      const facts = JSON.parse((await getBlob(rig.ctx.pool, second!.snapshot.parts.facts!))!.data.toString('utf8')) as PageFacts;
      expect(facts.blocks.some((b) => b.text.includes('Version 2.'))).toBe(true);
      const text = (await getBlob(rig.ctx.pool, second!.snapshot.parts.text!))!.data.toString('utf8');
      expect(text).not.toContain('\u0000');
    },
  );
});
