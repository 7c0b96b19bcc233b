import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { startFakeOembed, type FakeOembed } from '../helpers/oembed-server.ts';
import { waitUntil } from '../helpers/processes.ts';
import { articleFor } from '../helpers/watch.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import type { NewTargetInput } from '../../src/targets/target-input.ts';
import { checkThroughQueue, type CheckResult } from '../../src/checks/check-now.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { getWatchState } from '../../src/db/target-states.ts';
import type { Target } from '../../src/db/targets.ts';
import { queueFor, schedulerId } from '../../src/queue/schedules.ts';
import type { CaptureJobResult } from '../../src/queue/queues.ts';
import { useWorker } from '../helpers/worker-rig.ts';

describe('a first capture or a recheck that outlived its purpose captures nothing, through a real worker', () => {
  let oembed: FakeOembed;
  beforeAll(async () => {
    oembed = await startFakeOembed();
  });
  afterAll(async () => {
    await oembed?.close();
  });
  const rig = useFixtureRig(() => ({ SCRUBWATCH_OEMBED_URL: oembed.url }));
  useWorker(rig);

  /** A target whose scheduler is taken off the queue; its first capture stays queued, delayed, as `targets add` left it. */
  async function watch(input: NewTargetInput): Promise<Target> {
    const target = await addTarget(rig.ctx, input);
    expect(await queueFor(rig.ctx, target.kind).removeJobScheduler(schedulerId(target.id))).toBe(true);
    expect(await queueFor(rig.ctx, target.kind).getJob(`first-${target.id}`).then((j) => j?.getState())).toBe('delayed');
    return target;
  }

  const check = async (target: Target): Promise<CheckResult> => (await checkThroughQueue(rig.ctx, [target], 60_000, () => undefined))[0]!;

  /** Runs a delayed job now (its delay passing), and resolves with what the worker's processor returned. */
  async function runNow(target: Target, jobId: string): Promise<CaptureJobResult> {
    const queue = queueFor(rig.ctx, target.kind);
    const job = await queue.getJob(jobId);
    expect(await job?.getState(), `${jobId} waits in the delayed set`).toBe('delayed');
    await job!.promote();
    return waitUntil(`${jobId} to finish`, async () => {
      const state = await queue.getJobState(jobId);
      if (state === 'failed') throw new Error(`${jobId} failed: ${(await queue.getJob(jobId))?.failedReason}`);
      return state === 'completed' ? ((await queue.getJob(jobId))!.returnvalue as CaptureJobResult) : undefined;
    }, 60_000);
  }

  const snapshotCount = async (target: Target) => (await listSnapshots(rig.ctx.pool, target.id, 100)).length;
  const lifecycle = async (target: Target) => (await getWatchState(rig.ctx.pool, target.id))?.lifecycle;

  it('the first capture queued at `targets add` does not confirm a removal a check already sighted; the settled recheck does not capture', async () => {
    const path = '/news/stale-first';
    rig.site.article(path, articleFor(path, { tweet: null }));
    const target = await watch({ url: rig.site.url(path), every: '6h' });
    await check(target);
    rig.site.gone(path, 404);
    const sighting = await check(target);
    expect(await lifecycle(target)).toBe('suspect');

    const first = await runNow(target, `first-${target.id}`);
    expect(first).toMatchObject({ snapshotId: 0, skipped: 'already_captured' });
    expect(await snapshotCount(target)).toBe(2);
    expect(await lifecycle(target)).toBe('suspect');
    expect(await listAlerts(rig.ctx.pool, { targetId: target.id })).toEqual([]);

    const confirmed = await check(target);
    expect(confirmed.alerts.map((a) => a.kind)).toEqual(['page_removed']);
    const recheck = await runNow(target, `recheck-${target.id}-${sighting.snapshot.id}`);
    expect(recheck).toMatchObject({ snapshotId: 0, skipped: 'settled' });
    expect(await snapshotCount(target)).toBe(3);
  });

  it('a recheck overtaken by a later capture is skipped, and the later capture’s own recheck confirms', async () => {
    const path = '/news/stale-recheck';
    rig.site.article(path, articleFor(path, { tweet: null }));
    const target = await watch({ url: rig.site.url(path), every: '6h', options: { confirm: 3 } });
    await check(target);
    rig.site.gone(path, 404);
    const sightings = [await check(target), await check(target)];
    expect(await lifecycle(target)).toBe('suspect');

    const overtaken = await runNow(target, `recheck-${target.id}-${sightings[0]!.snapshot.id}`);
    expect(overtaken).toMatchObject({ snapshotId: 0, skipped: 'settled' });
    expect(await snapshotCount(target)).toBe(3);

    const due = await runNow(target, `recheck-${target.id}-${sightings[1]!.snapshot.id}`);
    expect(due.skipped).toBeUndefined();
    expect(due.alertIds).toHaveLength(1);
    expect((await listAlerts(rig.ctx.pool, { targetId: target.id })).map((a) => a.kind)).toEqual(['page_removed']);
    expect(await lifecycle(target)).toBe('removed');
  });

  it('the tweet queue applies the same rule: a probed tweet’s first probe does nothing', async () => {
    const statusId = '1097535219338194999';
    oembed.answer(statusId, { status: 200, author: 'USAfricaCommand', text: 'Flintlock 2019 begins.', date: 'February 18, 2019' });
    const tweet = await watch({ url: `https://twitter.com/USAfricaCommand/status/${statusId}`, every: '6h' });
    expect(tweet.kind).toBe('tweet');
    await check(tweet);
    const asked = oembed.requests(statusId).length;
    expect(await runNow(tweet, `first-${tweet.id}`)).toMatchObject({ snapshotId: 0, skipped: 'already_captured' });
    expect(await snapshotCount(tweet)).toBe(1);
    expect(oembed.requests(statusId)).toHaveLength(asked);
  });
});
