import { describe, expect, it } from 'vitest';
import { checkInline } from '../../src/checks/check-now.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { resumePendingCaptures } from '../../src/queue/schedules.ts';
import { addTarget, setPaused } from '../../src/targets/manage-targets.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { startWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { deletePrefixKeys } from '../helpers/queue-prefix.ts';

const noop = () => undefined;

describe('captures owed besides the schedules come back from Postgres after the queue lost them', () => {
  const rig = useFixtureRig();

  it('queues again the first capture of a target never captured and the recheck of a suspected removal, once each', async () => {
    const { ctx, site } = rig;
    site.article('/news/flintlock-goita', flintlockArticle);
    const suspect = await addTarget(ctx, { url: site.url('/news/flintlock-goita'), every: '6h', options: { confirm: 2, watchEmbeds: false } });
    const fresh = await addTarget(ctx, { url: site.url('/news/not-yet'), every: '6h' });
    const paused = await addTarget(ctx, { url: site.url('/news/paused'), every: '6h' });
    await setPaused(ctx, paused.id, true);
    await checkInline(ctx, [suspect], noop);
    site.gone('/news/flintlock-goita', 404);
    const [gone] = await checkInline(ctx, [suspect], noop);
    expect(gone!.alerts).toEqual([]);
    const recheckId = `recheck-${suspect.id}-${gone!.snapshot.id}`;
    expect(await ctx.captureQueue.getJob(recheckId)).toBeDefined();

    // Redis restarted empty: every job and schedule is gone.
    await deletePrefixKeys(ctx.config.queuePrefix);
    expect(await ctx.captureQueue.getJob(recheckId)).toBeUndefined();

    // A worker starting brings the recheck back (not the first capture: adding and importing queue those).
    const worker = await startWorker(ctx, processors);
    await worker.close();
    const recheck = await ctx.captureQueue.getJob(recheckId);
    expect(recheck?.data).toEqual({ targetId: suspect.id, reason: 'recheck', suspectSnapshotId: gone!.snapshot.id });
    expect(recheck?.opts.delay).toBe(ctx.config.confirmDelayMs);
    expect(await ctx.captureQueue.getJob(`first-${fresh.id}`)).toBeUndefined();

    // A loss noticed while running, or an import, brings both.
    const resumed = await resumePendingCaptures(ctx.pool, ctx, ctx.config.confirmDelayMs);
    expect(resumed).toEqual({ firstCaptures: 1, rechecks: 1 });
    expect((await ctx.captureQueue.getJob(`first-${fresh.id}`))?.data).toEqual({ targetId: fresh.id, reason: 'first' });
    expect(await ctx.captureQueue.getJob(`first-${paused.id}`)).toBeUndefined();

    // Asked again (another worker noticing the same loss), nothing is queued twice.
    const queued = await ctx.captureQueue.getJobCounts('delayed', 'waiting');
    await resumePendingCaptures(ctx.pool, ctx, ctx.config.confirmDelayMs);
    expect(await ctx.captureQueue.getJobCounts('delayed', 'waiting')).toEqual(queued);
    // The recheck, the first capture, and the next scheduled run of each of the two active targets.
    expect(queued).toEqual({ delayed: 4, waiting: 0 });
  });
});
