import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { printFigure } from '../helpers/figures.ts';
import { startFaultRig, type FaultRig } from '../helpers/fault-rig.ts';
import { isAlive, waitUntil, type WorkerProcess } from '../helpers/processes.ts';
import { startTcpProxy, type TcpProxy } from '../helpers/tcp-proxy.ts';
import type { Target } from '../../src/db/targets.ts';

/** How long Postgres stays away: longer than the first retry's backoff (15 s), so one retry fails too. */
const OUTAGE_MS = 20_000;

describe('Postgres unavailable mid-capture', () => {
  let rig: FaultRig;
  let proxy: TcpProxy;
  let target: Target;
  let worker: WorkerProcess;

  beforeAll(async () => {
    rig = await startFaultRig();
    const upstream = new URL(rig.db.url);
    proxy = await startTcpProxy(upstream.hostname, Number(upstream.port || 5432));
    [target] = (await rig.addTargets('pg', 1)) as [Target];
    worker = await rig.startWorker({ DATABASE_URL: proxy.rewrite(rig.db.url) });
  });
  afterAll(async () => {
    await proxy?.restore();
    await rig?.close();
    await proxy?.close();
  });

  async function countRows(table: 'snapshots' | 'changes'): Promise<number> {
    const { rows } = await rig.db.pool.query<{ n: number }>(`select count(*)::int as n from ${table} where target_id = $1`, [target.id]);
    return rows[0]!.n;
  }

  it('a connection cut inside the save transaction leaves nothing half-written; the job retries with backoff and writes its snapshot and change once', async () => {
    await rig.enqueue(target.id, 'pg-baseline');
    await waitUntil('the baseline snapshot', async () => (await countRows('snapshots')) === 1, 60_000);

    const path = new URL(target.url).pathname;
    rig.gate.hold(path);
    await rig.enqueue(target.id, 'pg-outage');
    await rig.gate.arrived(path);
    // The snapshot row is written, then the change row; Postgres "goes away" right after running the latter.
    const cut = proxy.cutWhenSent('insert into changes');
    rig.gate.release(path);
    await cut;
    const downAt = Date.now();

    // Postgres rolled the open transaction back: no snapshot without its change, no change without its snapshot.
    expect(await countRows('snapshots')).toBe(1);
    expect(await countRows('changes')).toBe(0);
    await waitUntil('the first attempt to fail', async () => ((await rig.queue.getJob('pg-outage'))?.attemptsMade ?? 0) >= 1, 30_000);
    expect(isAlive(worker.pid!)).toBe(true);

    await new Promise((r) => setTimeout(r, OUTAGE_MS));
    expect(isAlive(worker.pid!)).toBe(true);
    expect(await countRows('snapshots')).toBe(1);
    await proxy.restore();
    const upAt = Date.now();

    await waitUntil('the retried capture to be saved', async () => (await countRows('snapshots')) === 2, 120_000);
    const savedAt = Date.now();
    const job = await rig.finishedJob('pg-outage');
    expect(job.failedReason ?? '').not.toBe('');
    expect(job.attemptsMade).toBeGreaterThanOrEqual(2);
    const snapshots = (await rig.snapshots()).filter((s) => s.targetId === target.id);
    expect(snapshots.map((s) => s.jobId)).toEqual(['pg-baseline', 'pg-outage']);
    // The cut landed after the snapshot's INSERT ran: the rolled-back row used up an id.
    expect(snapshots[1]!.id).toBeGreaterThan(snapshots[0]!.id + 1);
    expect(snapshots.every((s) => s.error === null)).toBe(true);
    expect(await countRows('changes')).toBe(1);
    expect(isAlive(worker.pid!)).toBe(true);
    printFigure('faults', `postgres unavailable ${Math.round((upAt - downAt) / 1000)} s, cut inside the save transaction: half-written rows 0; ` +
        `job attempts ${job.attemptsMade}; snapshot written once ${savedAt - upAt} ms after Postgres was back (retry backoff); worker crashed: no`,
    );
  });
});
