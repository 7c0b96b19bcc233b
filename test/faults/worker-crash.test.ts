import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigure } from '../helpers/figures.ts';
import { startFaultRig, type FaultRig } from '../helpers/fault-rig.ts';
import { browserMainPids, browserProcesses, chromiumPids, isAlive, outlivedClose, stopProcess, waitUntil, type WorkerProcess } from '../helpers/processes.ts';
import type { Target } from '../../src/db/targets.ts';

/** The lock the rig's workers run with (SCRUBWATCH_LOCK_DURATION=3s). */
const LOCK_MS = 3_000;

/** The main Chromium process of a worker: its direct child. */
async function browserPidOf(worker: WorkerProcess): Promise<number> {
  const main = await browserMainPids(worker.pid!);
  expect(main).toHaveLength(1);
  return main[0]!;
}

const countLines = (worker: WorkerProcess, msg: string) => worker.logs().split('\n').filter((l) => l.includes(`"msg":"${msg}"`)).length;

describe('worker processes killed, stopped, and their browsers crashed mid-capture', () => {
  let rig: FaultRig;
  let targets: Target[];
  const pathOf = (t: Target) => new URL(t.url).pathname;
  const snapshotsOf = async (t: Target) => (await rig.snapshots()).filter((s) => s.targetId === t.id);

  beforeAll(async () => {
    rig = await startFaultRig();
    targets = await rig.addTargets('crash', 3);
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('kill -9 of the worker mid-capture: another worker takes the stalled job within three lock durations and it is saved once', async () => {
    const target = targets[0]!;
    const first = await rig.startWorker();
    rig.gate.hold(pathOf(target));
    await rig.enqueue(target.id, 'killed-inflight');
    await rig.gate.arrived(pathOf(target));
    const second = await rig.startWorker();
    // Stopped whatever happens: left running, it would take the next test's job.
    try {
      const orphans = await chromiumPids(first.pid!);
      expect(orphans.length).toBeGreaterThan(0);

      process.kill(first.pid!, 'SIGKILL');
      const killedAt = Date.now();
      // Taken up is when BullMQ makes the job active again (processedOn, set by the worker that takes it), not
      // when the page reaches the gate: that also counts the new capture's start, which is no part of the lock.
      const takenUp = await waitUntil('another worker to take the stalled job', async () => {
        const processedOn = (await rig.queue.getJob('killed-inflight'))?.processedOn;
        return processedOn !== undefined && processedOn > killedAt ? processedOn : undefined;
      }, 60_000);
      const pickupMs = takenUp - killedAt;
      await rig.gate.arrived(pathOf(target), 2, 30_000);
      const requestedMs = Date.now() - killedAt;
      rig.gate.release(pathOf(target));

      await waitUntil('the retried capture to be saved', async () => (await snapshotsOf(target)).length > 0, 60_000);
      const job = await rig.finishedJob('killed-inflight');
      expect(job.returnvalue.snapshotId).toBeGreaterThan(0);
      const saved = await snapshotsOf(target);
      expect(saved.map((s) => [s.jobId, s.error])).toEqual([['killed-inflight', null]]);
      // BullMQ moves a job whose lock is gone at a stalled check after the one that saw it active; one check per
      // lock duration runs across all workers, and the dead worker's last one holds off the next: the lock's
      // remainder plus up to two checks, at most three lock durations (the 2 s are for timers firing late).
      expect(pickupMs).toBeLessThan(3 * LOCK_MS + 2_000);
      // The dead worker's Chromium sees its control pipe close and exits on its own.
      await waitUntil('the killed worker\'s Chromium to exit', () => orphans.every((pid) => !isAlive(pid)), 15_000);
      printFigure('faults', `worker kill -9 mid-capture: job taken up by another worker after ${pickupMs} ms, page requested again after ${requestedMs} ms (lock ${LOCK_MS} ms); snapshots 1 (expected 1); jobs lost 0; orphaned Chromium processes 0`);
    } finally {
      await stopProcess(second, 'SIGTERM', 40_000);
    }
  });

  it('SIGTERM with a capture in flight: the capture finishes and is saved, the worker exits 0, and no Chromium process of it remains', async () => {
    const target = targets[1]!;
    const worker = await rig.startWorker();
    rig.gate.hold(pathOf(target));
    await rig.enqueue(target.id, 'drained-inflight');
    await rig.gate.arrived(pathOf(target));
    const browsers = await browserProcesses(worker.pid!);
    expect(browsers.main).toHaveLength(1);

    const stopping = stopProcess(worker, 'SIGTERM', 40_000);
    await waitUntil('the worker to start shutting down', () => countLines(worker, 'shutting down') === 1, 10_000);
    rig.gate.release(pathOf(target));
    const { code, ms } = await stopping;
    expect(code).toBe(0);
    expect(worker.logs()).toContain('"msg":"shutdown complete"');
    expect((await snapshotsOf(target)).map((s) => [s.jobId, s.error])).toEqual([['drained-inflight', null]]);
    const left = await outlivedClose(browsers);
    expect(left).toEqual({ main: [], all: [] });
    printFigure('faults', `SIGTERM with a capture in flight: capture saved, exit 0 after ${ms} ms, Chromium processes left ${left.all.length} (of ${browsers.all.length})`);
  });

  it('Chromium killed mid-capture: the worker relaunches it and captures the job in hand again at once, one snapshot', async () => {
    const target = targets[2]!;
    const worker = await rig.startWorker();
    rig.gate.hold(pathOf(target));
    await rig.enqueue(target.id, 'browser-killed');
    await rig.gate.arrived(pathOf(target));
    const browser = await browserPidOf(worker);

    process.kill(browser, 'SIGKILL');
    const killedAt = Date.now();
    await rig.gate.arrived(pathOf(target), 2, 30_000);
    const retryMs = Date.now() - killedAt;
    rig.gate.release(pathOf(target));
    await waitUntil('the capture to be saved', async () => (await snapshotsOf(target)).length > 0, 60_000);
    const savedMs = Date.now() - killedAt;

    expect((await snapshotsOf(target)).map((s) => [s.jobId, s.error])).toEqual([['browser-killed', null]]);
    expect(countLines(worker, 'browser launched')).toBe(2);
    expect(await browserPidOf(worker)).not.toBe(browser);
    expect(isAlive(worker.pid!)).toBe(true);
    const job = await rig.finishedJob('browser-killed');
    // One attempt, the successful one: the crash never failed the job.
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toBeUndefined();
    printFigure('faults', `Chromium kill -9 mid-capture: relaunched and the page requested again after ${retryMs} ms, snapshot saved ${savedMs} ms after the kill; snapshots 1 (expected 1); failed job attempts 0`);
  });
});
