import { describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { useFakeOembed } from '../helpers/oembed-server.ts';
import { waitUntil } from '../helpers/processes.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { articleFor } from '../helpers/watch.ts';
import type { TweetSpec } from '../../src/demo/fixture-site.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkThroughQueue, type CheckResult } from '../../src/checks/check-now.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { getWatchState } from '../../src/db/target-states.ts';
import { findTargetByUrl, type Target } from '../../src/db/targets.ts';
import { jobIds } from '../../src/queue/vocabulary.ts';
import { canonicalTweetUrl } from '../../src/tweets/tweet-url.ts';
import { useWorker } from '../helpers/worker-rig.ts';

const TEXT = 'Flintlock 2019 kicks off in Burkina Faso and Mauritania: more than 30 nations training together. #Flintlock2019';
const DATE = 'February 18, 2019';
/** Once a year: neither the page's nor its tweet's scheduler fires while a test runs. */
const YEARLY = '0 0 1 1 *';

describe('a tweet known from its embed counts as seen, through a real worker and a fake oEmbed', () => {
  const oembed = useFakeOembed();
  // A suspected deletion is confirmed by a recheck queued at once, so the worker runs the whole story.
  const rig = useFixtureRig(() => ({ SCRUBWATCH_OEMBED_URL: oembed().url, SCRUBWATCH_CONFIRM_DELAY: '0s' }));
  useWorker(rig);

  const check = async (target: Pick<Target, 'id' | 'kind'>): Promise<CheckResult> => (await checkThroughQueue(rig.ctx, [target], 60_000, () => undefined))[0]!;

  /** A page embedding one tweet, captured once through the worker: the capture that discovers the tweet. */
  async function embeddingPage(path: string, statusId: string, render: TweetSpec['render'] = 'fallback') {
    rig.site.article(path, articleFor(path, { tweet: { statusId, author: 'USAfricaCommand', text: TEXT, date: DATE, render } }));
    const page = await addTarget(rig.ctx, { url: rig.site.url(path), cron: YEARLY });
    await unschedule(rig.ctx, page);
    const captured = await check(page);
    const tweet = await findTargetByUrl(rig.ctx.pool, canonicalTweetUrl(statusId));
    expect(tweet, 'the capture discovered the embedded tweet').not.toBeNull();
    return { page, pageSnapshotId: captured.snapshot.id, tweet: tweet! };
  }

  /** The tweet's first probe, as the page's capture queued it, once the worker has run it. */
  async function firstProbe(tweet: Target) {
    const id = jobIds.firstCapture(tweet.id);
    return waitUntil(`the first probe of tweet ${tweet.id}`, async () => {
      const job = await rig.ctx.tweetQueue.getJob(id);
      if (!job) return undefined;
      if (await job.isFailed()) throw new Error(`${id} failed: ${job.failedReason}`);
      return (await job.isCompleted()) ? job : undefined;
    }, 30_000);
  }

  it('raises tweet_deleted for a tweet deleted before its first probe, with the embedding snapshot as the last with', async () => {
    const statusId = '1100000000000000001';
    oembed().answer(statusId, { status: 404 });
    const { page, pageSnapshotId, tweet } = await embeddingPage('/news/embed-then-deleted', statusId);
    await firstProbe(tweet);
    // The first 404 is a sighting; the recheck it queued confirms it.
    const [alert] = await waitUntil('tweet_deleted', async () => {
      const found = await listAlerts(rig.ctx.pool, { targetId: tweet.id });
      return found.length > 0 ? found : undefined;
    }, 30_000);
    const snapshots = (await listSnapshots(rig.ctx.pool, tweet.id, 10)).reverse();
    expect(snapshots.map((s) => s.outcome?.signal)).toEqual(['oembed_404', 'oembed_404']);
    expect(alert).toMatchObject({ kind: 'tweet_deleted', severity: 'high', targetId: tweet.id, snapshotId: snapshots[1]!.id });
    expect(alert!.evidence).toMatchObject({ lastWithSnapshotId: pageSnapshotId, firstWithoutSnapshotId: snapshots[0]!.id, confirmedBySnapshotId: snapshots[1]!.id });
    expect(alert!.evidence.items).toEqual([
      expect.objectContaining({
        signal: 'oembed_404',
        tweetId: statusId,
        author: 'USAfricaCommand',
        lastText: TEXT,
        date: DATE,
        lastSeenIn: 'page_embed',
        lastSeenUrl: page.url,
        rendered: false,
        embeddedIn: [expect.objectContaining({ targetId: page.id })],
      }),
    ]);
    expect(await getWatchState(rig.ctx.pool, tweet.id)).toMatchObject({ lifecycle: 'removed', baselineSnapshotId: pageSnapshotId });
    expect(oembed().requests(statusId)).toHaveLength(2);
  });

  it('raises nothing for a tweet that stays up, and takes its own answer as its baseline from then on', async () => {
    const statusId = '1100000000000000002';
    oembed().answer(statusId, { status: 200, author: 'USAfricaCommand', text: TEXT, date: DATE });
    const { tweet } = await embeddingPage('/news/embed-stays-up', statusId);
    await firstProbe(tweet);
    const again = await check(tweet);
    expect(again.alerts).toEqual([]);
    const snapshots = (await listSnapshots(rig.ctx.pool, tweet.id, 10)).reverse();
    expect(snapshots.map((s) => s.outcome?.signal)).toEqual(['oembed_200', 'oembed_200']);
    expect(await getWatchState(rig.ctx.pool, tweet.id)).toMatchObject({ lifecycle: 'live', baselineSnapshotId: snapshots[1]!.id, pending: {} });
    expect(await listAlerts(rig.ctx.pool, { targetId: tweet.id })).toEqual([]);
  });

  it('queues a discovered tweet’s first probe with no delay, where a tweet added by hand keeps its spread', async () => {
    const statusId = '1100000000000000003';
    oembed().answer(statusId, { status: 200, author: 'USAfricaCommand', text: TEXT, date: DATE });
    const { pageSnapshotId, tweet } = await embeddingPage('/news/embed-probed-at-once', statusId);
    const job = await firstProbe(tweet);
    expect(job.data).toEqual({ targetId: tweet.id, reason: 'first' });
    expect(job.opts.delay ?? 0).toBe(0);
    expect((await listSnapshots(rig.ctx.pool, tweet.id, 10)).map((s) => s.id)).toEqual([expect.any(Number)]);
    expect((await listSnapshots(rig.ctx.pool, tweet.id, 1))[0]!.id).toBeGreaterThan(pageSnapshotId);

    const byHand = await addTarget(rig.ctx, { url: 'https://twitter.com/USAfricaCommand/status/1100000000000000004', cron: YEARLY });
    const spread = await rig.ctx.tweetQueue.getJob(jobIds.firstCapture(byHand.id));
    expect(await spread?.getState()).toBe('delayed');
    expect(spread!.opts.delay).toBeGreaterThan(0);
    await unschedule(rig.ctx, byHand);
  });

  it('keeps today’s behaviour for a tweet never embedded: a 404 at its first probe raises nothing', async () => {
    const statusId = '1100000000000000005';
    oembed().answer(statusId, { status: 404 });
    const tweet = await addTarget(rig.ctx, { url: `https://twitter.com/USAfricaCommand/status/${statusId}`, cron: YEARLY, options: { confirm: 1 } });
    await unschedule(rig.ctx, tweet);
    for (let i = 0; i < 2; i++) expect((await check(tweet)).alerts).toEqual([]);
    expect(await getWatchState(rig.ctx.pool, tweet.id)).toMatchObject({ lifecycle: 'live', baselineSnapshotId: null });
    expect(await listAlerts(rig.ctx.pool, { targetId: tweet.id })).toEqual([]);
  });

  it('does not count an embed the page first showed in the embed script’s error state: it never saw the tweet up', async () => {
    const statusId = '1100000000000000006';
    oembed().answer(statusId, { status: 404 });
    const { tweet } = await embeddingPage('/news/embed-already-broken', statusId, 'error');
    await firstProbe(tweet);
    expect((await check(tweet)).alerts).toEqual([]);
    expect((await listSnapshots(rig.ctx.pool, tweet.id, 10)).map((s) => s.outcome?.signal)).toEqual(['oembed_404', 'oembed_404']);
    expect(await getWatchState(rig.ctx.pool, tweet.id)).toMatchObject({ lifecycle: 'live', baselineSnapshotId: null });
    expect(await listAlerts(rig.ctx.pool, { targetId: tweet.id })).toEqual([]);
  });
});
