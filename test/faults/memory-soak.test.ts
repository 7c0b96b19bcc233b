import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigure } from '../helpers/figures.ts';
import { DORMANT_CRON, plainArticle, startFaultRig, type FaultRig } from '../helpers/fault-rig.ts';
import { browserMainPids, chromiumPids, MB, rssBytes, waitUntil, type WorkerProcess } from '../helpers/processes.ts';
import { processMemoryBytes } from '../../src/capture/process-memory.ts';
import { CAPTURE_JOB_OPTIONS } from '../../src/queue/queues.ts';
import type { Target } from '../../src/db/targets.ts';

const CAPTURES = 500;
const TARGETS = 50;
/** The browser is recycled every this many captures (the default, 200): twice in the soak. */
const RECYCLE_EVERY = 200;
/** What worker and browser together may hold at any moment of the soak (PSS: their real share of RAM). */
const BOUND_BYTES = 1536 * MB;
const SAMPLE_EVERY_MS = 1_000;
/** Four captures at once: the browser's waits (network idle, scroll settle) overlap, so 500 fit in a few minutes. */
const CONCURRENCY = 4;
/**
 * How long the soak may take before it counts as hung. The bound is on memory, not speed (`npm run bench` measures
 * that): 500 captures take about 5 minutes on a quiet 2-core machine and 12 on a slow one; this only catches a hang.
 */
const SOAK_WAIT_MS = 25 * 60_000;

/**
 * Memory of the worker process and of its Chromium processes, as PSS (what the bound is about) and as summed
 * RSS (which counts every page Chromium's processes share once per process: an overstatement, shown for
 * comparison).
 */
interface Sample {
  worker: number;
  browser: number;
  workerRss: number;
  browserRss: number;
}

async function sample(worker: WorkerProcess): Promise<Sample> {
  const browsers = await chromiumPids(worker.pid!);
  const pss = await Promise.all(browsers.map(processMemoryBytes));
  return {
    worker: await processMemoryBytes(worker.pid!),
    browser: pss.reduce((a, b) => a + b, 0),
    workerRss: rssBytes(worker.pid!),
    browserRss: browsers.reduce((total, pid) => total + rssBytes(pid), 0),
  };
}

const mb = (bytes: number) => Math.round(bytes / MB);

describe(`memory over a ${CAPTURES}-capture soak through a real worker`, () => {
  let rig: FaultRig;
  let targets: Target[];
  let worker: WorkerProcess;

  beforeAll(async () => {
    rig = await startFaultRig();
    // Script-written articles: every check of them is a full browser capture (docs/checking-tiers.md), which is what
    // the soak is about; plain ones would be checked cheaply after their first capture and never load the browser.
    targets = await rig.addTargets('soak', TARGETS, { cron: DORMANT_CRON }, (n) => ({ ...plainArticle(n), renderWithJs: true }));
    worker = await rig.startWorker({ SCRUBWATCH_BROWSER_RECYCLE_CAPTURES: String(RECYCLE_EVERY), SCRUBWATCH_CONCURRENCY: String(CONCURRENCY) });
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('stays under the bound, recycles the browser, and leaves one browser behind', async () => {
    const idle = await sample(worker);
    const jobs = Array.from({ length: CAPTURES }, (_, i) => {
      const target = targets[i % TARGETS]!;
      return { name: 'capture', data: { targetId: target.id, reason: 'manual' as const }, opts: { ...CAPTURE_JOB_OPTIONS, jobId: `soak-${i}` } };
    });
    const samples: Sample[] = [];
    const sampler = setInterval(() => void sample(worker).then((s) => samples.push(s)), SAMPLE_EVERY_MS);
    const started = Date.now();
    let done = 0;
    try {
      await rig.queue.addBulk(jobs);
      await waitUntil(`${CAPTURES} snapshots`, async () => {
        const { rows } = await rig.db.pool.query<{ n: number }>('select count(*)::int as n from snapshots');
        done = rows[0]!.n;
        return done >= CAPTURES;
      }, SOAK_WAIT_MS, 1_000);
    } catch (err) {
      throw new Error(`${(err as Error).message}: ${done} done in ${((Date.now() - started) / 1000).toFixed(0)} s`, { cause: err });
    } finally {
      clearInterval(sampler);
    }
    const seconds = (Date.now() - started) / 1000;
    const after = await sample(worker);

    const snapshots = await rig.snapshots();
    expect(snapshots).toHaveLength(CAPTURES);
    expect(snapshots.filter((s) => s.error !== null)).toEqual([]);
    const recycled = worker.logs().split('\n').filter((l) => l.includes('"msg":"browser recycled"'));
    expect(recycled.length).toBeGreaterThanOrEqual(Math.floor(CAPTURES / RECYCLE_EVERY));
    expect(recycled.every((l) => l.includes('"reason":"captures"'))).toBe(true);
    // Old browsers closed once drained: one browser process is left.
    await waitUntil('one browser left', async () => (await browserMainPids(worker.pid!)).length === 1, 15_000);

    const peak = (f: (x: Sample) => number) => Math.max(...samples.map(f));
    const peakTotal = peak((x) => x.worker + x.browser);
    printFigure('soak', `${CAPTURES} captures of ${TARGETS} fixture pages through one worker (concurrency ${CONCURRENCY}) in ${seconds.toFixed(0)} s: ${(CAPTURES / seconds).toFixed(2)} captures/s`);
    printFigure('soak', `browser recycled ${recycled.length} times (every ${RECYCLE_EVERY} captures); capture errors 0; browsers left after the soak 1`);
    printFigure('soak', `memory idle (PSS): worker ${mb(idle.worker)} MB, browser tree ${mb(idle.browser)} MB`);
    printFigure('soak', `memory peak (PSS): worker ${mb(peak((x) => x.worker))} MB, browser tree ${mb(peak((x) => x.browser))} MB, together ${mb(peakTotal)} MB (bound ${mb(BOUND_BYTES)} MB; ${samples.length} samples)`);
    printFigure('soak', `memory peak (summed RSS, overcounts shared pages): worker ${mb(peak((x) => x.workerRss))} MB, browser tree ${mb(peak((x) => x.browserRss))} MB`);
    printFigure('soak', `memory after (PSS): worker ${mb(after.worker)} MB, browser tree ${mb(after.browser)} MB`);
    expect(peakTotal).toBeLessThan(BOUND_BYTES);
    // The worker itself does not grow with the captures it has done.
    expect(after.worker).toBeLessThan(idle.worker + 256 * MB);
  }, SOAK_WAIT_MS + 60_000);
});
