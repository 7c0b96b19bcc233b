import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigure } from '../helpers/figures.ts';
import { startFaultRig, type FaultRig } from '../helpers/fault-rig.ts';
import { waitUntil, type WorkerProcess } from '../helpers/processes.ts';
import { CAPTURE_JOB_OPTIONS } from '../../src/queue/queues.ts';
import { schedulerId } from '../../src/queue/schedules.ts';
import type { Target } from '../../src/db/targets.ts';

const WORKERS = 3;
const TARGETS = 6;
/** Shorter than a target may ask for (1 min), so a minute holds many runs; set on the schedulers directly. */
const EVERY_MS = 10_000;
const WINDOW_MS = 70_000;

/** The run a scheduler job stands for: BullMQ names it `repeat:<scheduler id>:<run time in ms>`. */
function runOf(jobId: string): { scheduler: string; at: number } | null {
  const match = /^repeat:(target:\d+):(\d+)$/.exec(jobId);
  return match ? { scheduler: match[1]!, at: Number(match[2]) } : null;
}

describe(`${WORKERS} worker processes on one queue`, () => {
  let rig: FaultRig;
  let targets: Target[];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    rig = await startFaultRig();
    targets = await rig.addTargets('many', TARGETS);
    for (let i = 0; i < WORKERS; i++) workers.push(await rig.startWorker());
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('captures every scheduled run exactly once: no run twice, none missing', async () => {
    // Started after every worker reconciled, so none puts the one-year schedules back; spread over the interval
    // as the per-target jitter spreads real schedules.
    for (const [i, t] of targets.entries()) {
      const repeat = { every: EVERY_MS, offset: Math.round((i * EVERY_MS) / TARGETS) };
      await rig.queue.upsertJobScheduler(schedulerId(t.id), repeat, { name: 'capture', data: { targetId: t.id, reason: 'schedule' }, opts: CAPTURE_JOB_OPTIONS });
    }
    await new Promise((r) => setTimeout(r, WINDOW_MS));
    for (const t of targets) await rig.queue.removeJobScheduler(schedulerId(t.id));
    await waitUntil('the queue to drain', async () => {
      const c = await rig.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
      return Object.values(c).every((n) => n === 0);
    }, 120_000);

    const snapshots = await rig.snapshots();
    const jobs = await rig.queue.getJobs(['completed', 'failed', 'active', 'waiting', 'delayed']);
    expect(jobs.filter((j) => j.failedReason)).toEqual([]);
    // Every run the schedulers queued has exactly one snapshot, and every snapshot is one of those runs.
    expect(snapshots.map((s) => s.jobId).sort()).toEqual(jobs.map((j) => j.id).sort());
    expect(snapshots.every((s) => s.error === null)).toBe(true);
    const started = new Map(jobs.map((j) => [j.id!, j.processedOn ?? 0]));

    let runs = 0;
    let coalesced = 0;
    for (const t of targets) {
      const mine = snapshots.filter((s) => s.targetId === t.id).map((s) => ({ jobId: s.jobId, at: runOf(s.jobId)?.at ?? NaN }));
      mine.sort((a, b) => a.at - b.at);
      expect(mine.every((r) => runOf(r.jobId)?.scheduler === schedulerId(t.id))).toBe(true);
      // How many runs fit in the window depends on how busy the workers were (see the catch-up rule below, which
      // each gap is held to); two show the schedule repeats, which is all exactly-once needs.
      expect(mine.length).toBeGreaterThanOrEqual(2);
      // Consecutive runs are one interval apart. The one exception is BullMQ's catch-up rule: when a run starts
      // after the next one was due (every worker busy), the missed slot is skipped rather than queued late.
      for (let i = 1; i < mine.length; i++) {
        const gap = mine[i]!.at - mine[i - 1]!.at;
        if (gap === EVERY_MS) continue;
        expect(gap).toBeGreaterThan(EVERY_MS);
        expect(started.get(mine[i - 1]!.jobId)!).toBeGreaterThan(mine[i - 1]!.at + EVERY_MS);
        coalesced += Math.ceil(gap / EVERY_MS) - 1;
      }
      // Each run loaded the page once: no run was handed to two workers.
      expect(rig.gate.hits(new URL(t.url).pathname)).toBe(mine.length);
      runs += mine.length;
    }
    const saves = workers.map((w) => w.logs().split('\n').filter((l) => l.includes('"msg":"capture saved"')).length);
    expect(saves.reduce((a, b) => a + b, 0)).toBe(runs);
    expect(saves.every((n) => n > 0)).toBe(true);
    const lag = Math.max(...jobs.map((j) => (j.processedOn ?? 0) - (runOf(j.id!)?.at ?? 0)));
    printFigure('faults', `${WORKERS} workers, ${TARGETS} targets every ${EVERY_MS / 1000} s for ${WINDOW_MS / 1000} s: ${runs} runs queued, ${snapshots.length} snapshots, ` +
        `runs captured twice 0, runs lost 0; slots skipped by BullMQ catch-up while all workers were busy ${coalesced} (max start lag ${lag} ms); captures per worker ${saves.join('/')}`,
    );
  });
});
