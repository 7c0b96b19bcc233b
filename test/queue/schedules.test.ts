import { describe, expect, it } from 'vitest';
import { addTarget, removeTarget, setPaused } from '../../src/targets/manage-targets.ts';
import { insertTargets, listTargets } from '../../src/db/targets.ts';
import { reconcileSchedules, reconcileTargetSchedules, schedulerId } from '../../src/queue/schedules.ts';
import { jitterMs } from '../../src/target-model/schedule.ts';
import { startWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { deletePrefixKeys } from '../helpers/queue-prefix.ts';
import type { Context } from '../../src/context.ts';

async function schedulerIds(ctx: Context): Promise<string[]> {
  return (await ctx.captureQueue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
}

describe('schedules reconciled from Postgres', () => {
  const rig = useContextRig();

  it('gives an added target a scheduler with its interval and a stable jitter, and queues a first capture', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://www.africom.mil/flintlock-2019', every: '6h' });
    const s = await rig.ctx.captureQueue.getJobScheduler(schedulerId(t.id));
    expect(s?.every).toBe(6 * 3_600_000);
    expect(s?.offset ?? 0).toBe(jitterMs(t.id, 15 * 60_000));
    expect(s?.template?.data).toEqual({ targetId: t.id, reason: 'schedule' });
    const first = await rig.ctx.captureQueue.getJob(`first-${t.id}`);
    expect(first?.data).toEqual({ targetId: t.id, reason: 'first' });
  });

  it('uses the cron pattern of a cron target', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://www.dvidshub.net/news/flintlock', cron: '15 */4 * * *' });
    expect((await rig.ctx.captureQueue.getJobScheduler(schedulerId(t.id)))?.pattern).toBe('15 */4 * * *');
  });

  it('spreads a thousand targets over distinct offsets rather than one second', () => {
    const offsets = new Set(Array.from({ length: 1000 }, (_, i) => Math.floor(jitterMs(i + 1, 15 * 60_000) / 1000)));
    expect(offsets.size).toBeGreaterThan(500);
  });

  it('removes the scheduler of a paused target and restores it on resume', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://www.army.mil/article/flintlock', every: '1h' });
    await setPaused(rig.ctx, t.id, true);
    expect(await schedulerIds(rig.ctx)).not.toContain(schedulerId(t.id));
    await setPaused(rig.ctx, t.id, false);
    expect(await schedulerIds(rig.ctx)).toContain(schedulerId(t.id));
  });

  it('removes the scheduler and pending first capture of a removed target', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://www.defense.gov/News/removed-article', every: '1h' });
    await removeTarget(rig.ctx, t.id);
    expect(await schedulerIds(rig.ctx)).not.toContain(schedulerId(t.id));
    expect(await rig.ctx.captureQueue.getJob(`first-${t.id}`)).toBeUndefined();
  });

  it('reconciles: creates missing, removes stale, leaves matching schedulers alone', async () => {
    const targets = await listTargets(rig.ctx.pool);
    const active = targets.filter((t) => t.state === 'active').map((t) => schedulerId(t.id));
    await rig.ctx.captureQueue.upsertJobScheduler('target:999999', { every: 60_000 }, { name: 'capture', data: { targetId: 999999, reason: 'schedule' } });
    await rig.ctx.captureQueue.removeJobScheduler(active[0]!);
    const result = await reconcileSchedules(rig.ctx.captureQueue, targets);
    expect(result).toEqual({ created: 1, updated: 0, removed: 1, unchanged: active.length - 1 });
    expect(await schedulerIds(rig.ctx)).toEqual([...active].sort());
  });

  it('restores every schedule when the worker restarts after the queue keys were deleted (as FLUSHALL would)', async () => {
    const before = await schedulerIds(rig.ctx);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const deleted = await deletePrefixKeys(rig.ctx.config.queuePrefix);
    expect(deleted).toBeGreaterThan(0);
    expect(await schedulerIds(rig.ctx)).toEqual([]);
    const worker = await startWorker(rig.ctx, processors);
    try {
      expect(worker.reconciled.created).toBe(before.length);
      expect(await schedulerIds(rig.ctx)).toEqual(before);
    } finally {
      await worker.close();
    }
  });
});

describe('schedules restored from the scheduled targets alone', () => {
  const rig = useContextRig();

  it('after a wipe, gives every active and screening target its scheduler as addTarget did, and none to a paused one', async () => {
    const every = await addTarget(rig.ctx, { url: 'https://www.africom.mil/restore/every', every: '6h' });
    const cron = await addTarget(rig.ctx, { url: 'https://www.africom.mil/restore/cron', cron: '15 */4 * * *' });
    const paused = await addTarget(rig.ctx, { url: 'https://www.africom.mil/restore/paused', every: '1h' });
    await setPaused(rig.ctx, paused.id, true);
    const [screening] = await insertTargets(rig.ctx.pool, [{ ...every, url: 'https://www.africom.mil/restore/screening' }], { screening: 'pending' });
    const timing = async (id: number) => {
      const s = await rig.ctx.captureQueue.getJobScheduler(schedulerId(id));
      return s && { every: s.every, offset: s.offset ?? 0, pattern: s.pattern, data: s.template?.data };
    };
    const before = [await timing(every.id), await timing(cron.id)];
    await deletePrefixKeys(rig.ctx.config.queuePrefix);

    const result = await reconcileTargetSchedules(rig.ctx.pool, rig.ctx);
    expect(result).toEqual({ created: 3, updated: 0, removed: 0, unchanged: 0 });
    expect([await timing(every.id), await timing(cron.id)]).toEqual(before);
    expect((await timing(screening!.id))?.every).toBe(6 * 3_600_000);
    expect(await timing(paused.id)).toBeUndefined();
    expect(await reconcileTargetSchedules(rig.ctx.pool, rig.ctx)).toEqual({ created: 0, updated: 0, removed: 0, unchanged: 3 });
  });
});
