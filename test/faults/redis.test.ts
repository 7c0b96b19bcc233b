import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigure } from '../helpers/figures.ts';
import { startFaultRig, type FaultRig } from '../helpers/fault-rig.ts';
import { isAlive, waitUntil, type WorkerProcess } from '../helpers/processes.ts';
import type { Target } from '../../src/db/targets.ts';

/** The schedulers a worker keeps for targets (`target:<id>`) in the private Redis. */
async function schedulerIds(rig: FaultRig): Promise<string[]> {
  const schedulers = await rig.queue.getJobSchedulers(0, -1);
  return schedulers.map((s) => s.key).filter((k) => k.startsWith('target:')).sort();
}

describe('Redis restarted or flushed while a capture is in flight', () => {
  let rig: FaultRig;
  let targets: Target[];
  let worker: WorkerProcess;

  beforeAll(async () => {
    rig = await startFaultRig();
    targets = await rig.addTargets('redis', 3);
    worker = await rig.startWorker({ SCRUBWATCH_REDIS_CHECK_INTERVAL: '1s' });
  });
  afterAll(async () => {
    await rig?.close();
  });

  const wanted = () => targets.map((t) => `target:${t.id}`).sort();

  it('a restart that loses every key: the capture in flight is saved once, every schedule is restored from Postgres, later captures run', async () => {
    expect(await schedulerIds(rig)).toEqual(wanted());
    const [first] = targets;
    const path = new URL(first!.url).pathname;
    rig.gate.hold(path);
    await rig.enqueue(first!.id, 'restart-inflight');
    await rig.gate.arrived(path);

    await rig.redis.stop('SIGKILL');
    const downAt = Date.now();
    await rig.redis.start();
    // The job in flight is gone with everything else (the worker still holds it in memory).
    expect(await rig.queue.getJob('restart-inflight')).toBeUndefined();
    rig.gate.release(path);

    await waitUntil('the in-flight capture to be saved', async () => (await rig.snapshots()).find((s) => s.jobId === 'restart-inflight'), 60_000);
    const restored = await waitUntil('every schedule back', async () => ((await schedulerIds(rig)).length === targets.length ? Date.now() : false), 60_000);
    const recoveryMs = restored - downAt;
    expect(await schedulerIds(rig)).toEqual(wanted());

    // The worker still takes jobs on the new Redis.
    await rig.enqueue(first!.id, 'after-restart');
    await waitUntil('a capture after the restart', async () => (await rig.snapshots()).find((s) => s.jobId === 'after-restart'), 60_000);
    const mine = (await rig.snapshots()).filter((s) => s.targetId === first!.id);
    expect(mine.map((s) => s.jobId)).toEqual(['restart-inflight', 'after-restart']);
    expect(mine.every((s) => s.error === null)).toBe(true);
    expect(isAlive(worker.pid!)).toBe(true);
    printFigure('faults', `redis restart (keys lost) mid-capture: schedules restored in ${recoveryMs} ms; in-flight capture saved once; snapshots for the target: ${mine.length} (expected 2)`);
  });

  it('a FLUSHALL: every schedule is restored and the capture in flight is saved once', async () => {
    const [, second] = targets;
    const path = new URL(second!.url).pathname;
    rig.gate.hold(path);
    await rig.enqueue(second!.id, 'flush-inflight');
    await rig.gate.arrived(path);

    await rig.redis.flushAll();
    const flushedAt = Date.now();
    expect(await rig.queue.getJob('flush-inflight')).toBeUndefined();
    rig.gate.release(path);

    await waitUntil('the in-flight capture to be saved', async () => (await rig.snapshots()).find((s) => s.jobId === 'flush-inflight'), 60_000);
    const restored = await waitUntil('every schedule back', async () => ((await schedulerIds(rig)).length === targets.length ? Date.now() : false), 60_000);
    expect(await schedulerIds(rig)).toEqual(wanted());
    const mine = (await rig.snapshots()).filter((s) => s.targetId === second!.id);
    expect(mine.map((s) => s.jobId)).toEqual(['flush-inflight']);
    expect(isAlive(worker.pid!)).toBe(true);
    printFigure('faults', `redis FLUSHALL mid-capture: schedules restored in ${restored - flushedAt} ms; snapshots for the target: ${mine.length} (expected 1)`);
  });
});

describe('Redis restarted with its data (append-only file) after being down longer than the job lock', () => {
  let rig: FaultRig;
  let targets: Target[];
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    rig = await startFaultRig({ persistentRedis: true });
    targets = await rig.addTargets('aof', 1);
    workers.push(await rig.startWorker(), await rig.startWorker());
  });
  afterAll(async () => {
    await rig?.close();
  });

  it('the in-flight job whose lock lapsed is retried by a worker, and both runs of it end in one snapshot', async () => {
    const [target] = targets;
    const path = new URL(target!.url).pathname;
    rig.gate.hold(path);
    await rig.enqueue(target!.id, 'aof-inflight');
    await rig.gate.arrived(path);

    await rig.redis.stop('SIGKILL');
    const downAt = Date.now();
    // Down for longer than the 3 s lock, so the lock has lapsed when Redis is back with the job still active.
    await new Promise((r) => setTimeout(r, 4_000));
    await rig.redis.start();
    expect(Number(await rig.redis.command('DBSIZE'))).toBeGreaterThan(0);

    // The stalled-job check hands the job out again while the first run still waits on the page.
    await rig.gate.arrived(path, 2, 60_000);
    const retriedAfterMs = Date.now() - downAt;
    rig.gate.release(path);

    // Both runs reach the store: one writes the snapshot, the other finds it there.
    const saves = () => workers.reduce((n, w) => n + w.logs().split('\n').filter((l) => l.includes('"jobId":"aof-inflight"') && l.includes('"msg":"capture saved"')).length, 0);
    await waitUntil('both runs of the job to reach the store', () => saves() === 2, 60_000);
    // The run that still holds the job marks it completed just after logging its save: wait for that, not race it.
    expect((await rig.finishedJob('aof-inflight')).finishedOn).toBeGreaterThan(0);
    const mine = (await rig.snapshots()).filter((s) => s.targetId === target!.id);
    expect(mine.map((s) => s.jobId)).toEqual(['aof-inflight']);
    expect(rig.gate.hits(path)).toBe(2);
    printFigure('faults', `redis restart with data, down 4 s (> 3 s lock): in-flight job retried ${retriedAfterMs} ms after Redis went down; page loaded twice, snapshots 1 (expected 1)`);
  });
});
