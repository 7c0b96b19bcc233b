import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext } from '../helpers/context.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { startFakeOembed, type FakeOembed } from '../helpers/oembed-server.ts';
import { articleFor } from '../helpers/watch.ts';
import { waitUntil } from '../helpers/processes.ts';
import { type TweetSpec } from '../../src/demo/fixture-site.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { findTargetByUrl, type Target } from '../../src/db/targets.ts';
import { listEmbeddingPages } from '../../src/db/tweet-embeds.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { getTierState, putTierState } from '../../src/db/target-tiers.ts';
import { canonicalTweetUrl } from '../../src/tweets/tweet-url.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { runTweetProbe } from '../../src/watch/probe-tweet.ts';
import { TransientTweetProbeError } from '../../src/errors/index.ts';
import { startWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';

const TEXT = 'Flintlock 2019 kicks off in Burkina Faso and Mauritania: more than 30 nations training together. #Flintlock2019';

describe('tweets: embedded and standalone, probed through oEmbed', () => {
  let oembed: FakeOembed;
  let run = 0;
  beforeAll(async () => {
    oembed = await startFakeOembed();
  });
  afterAll(async () => {
    await oembed?.close();
  });
  const rig = useFixtureRig(() => ({ SCRUBWATCH_OEMBED_URL: oembed.url, SCRUBWATCH_TWEET_RATE: '2/1s' }));

  const tweet = (statusId: string, render: TweetSpec['render'] = 'fallback'): TweetSpec => ({ statusId, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019', render });
  const probe = (t: Target, finalAttempt = true) => runTweetProbe(rig.ctx, t.id, `probe-test-${++run}`, { finalAttempt });
  const probeKinds = async (t: Target, n: number) => {
    const kinds: string[] = [];
    for (let i = 0; i < n; i++) kinds.push(...(await probe(t)).alerts.map((a) => a.kind));
    return kinds;
  };
  async function pageEmbedding(path: string, statusId: string, options: { watchEmbeds?: boolean } = {}): Promise<Target> {
    rig.site.article(path, articleFor(path, { tweet: tweet(statusId) }));
    const page = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h', options });
    await runCapture(rig.ctx, page.id, `page-test-${++run}`);
    return page;
  }

  it('discovers an embedded tweet, watches it as a tweet target, and shares it between pages', async () => {
    const first = await pageEmbedding('/news/embeds-a', '1097535219338194944');
    const second = await pageEmbedding('/news/embeds-b', '1097535219338194944');
    const t = await findTargetByUrl(rig.ctx.pool, canonicalTweetUrl('1097535219338194944'));
    expect(t).toMatchObject({ kind: 'tweet', tweetId: '1097535219338194944', state: 'active' });
    expect(t!.tags).toContain('embedded-tweet');
    expect((await listEmbeddingPages(rig.ctx.pool, t!.id)).map((p) => p.targetId)).toEqual([first.id, second.id]);
    expect((await rig.ctx.tweetQueue.getJobScheduler(`target:${t!.id}`))?.every).toBe(6 * 3_600_000);
    const rows = await rig.ctx.pool.query('select author, fallback_text, date_text from tweet_embeds where tweet_target_id = $1', [t!.id]);
    expect(rows.rows[0]).toEqual({ author: 'USAfricaCommand', fallback_text: TEXT, date_text: 'February 18, 2019' });
  });

  it('does not watch embedded tweets when the page says not to', async () => {
    await pageEmbedding('/news/no-embeds', '555000000000000001', { watchEmbeds: false });
    expect(await findTargetByUrl(rig.ctx.pool, canonicalTweetUrl('555000000000000001'))).toBeNull();
  });

  it('raises tweet_deleted (high) once oEmbed answers 404 twice, with the last text and the pages embedding it', async () => {
    const page = await pageEmbedding('/news/deleted-tweet', '600000000000000001');
    const t = (await findTargetByUrl(rig.ctx.pool, canonicalTweetUrl('600000000000000001')))!;
    oembed.answer('600000000000000001', { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
    expect(await probeKinds(t, 1)).toEqual([]);
    oembed.answer('600000000000000001', { status: 404 });
    const first = await probe(t);
    expect(first.lifecycle).toBe('suspect');
    const second = await probe(t);
    expect(second.alerts).toHaveLength(1);
    expect(second.alerts[0]).toMatchObject({ kind: 'tweet_deleted', severity: 'high' });
    expect(second.alerts[0]!.evidence.items).toEqual([
      expect.objectContaining({ signal: 'oembed_404', author: 'USAfricaCommand', lastText: TEXT, date: 'February 18, 2019', embeddedIn: [expect.objectContaining({ targetId: page.id })] }),
    ]);
    expect(await probeKinds(t, 1)).toEqual([]);
    // It comes back.
    oembed.answer('600000000000000001', { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
    expect(await probeKinds(t, 2)).toEqual(['page_restored']);
  });

  it('raises tweet_withheld (medium) for a tweet made protected or withheld (403)', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://x.com/USAfricaCommand/status/700000000000000001' });
    oembed.answer('700000000000000001', { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
    await probe(t);
    oembed.answer('700000000000000001', { status: 403 });
    expect(await probeKinds(t, 2)).toEqual(['tweet_withheld']);
  });

  it('never raises anything for 429 and 5xx: retried, 5xx kept as an error on the last attempt, 429 only waited out', async () => {
    const t = await addTarget(rig.ctx, { url: 'https://twitter.com/USAfricaCommand/status/800000000000000001', options: { confirm: 1 } });
    oembed.answer('800000000000000001', { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
    await probe(t);
    for (const status of [500, 503] as const) {
      oembed.answer('800000000000000001', { status });
      await expect(probe(t, false)).rejects.toThrowError(TransientTweetProbeError);
      const last = await probe(t, true);
      expect(last.snapshot.outcome).toEqual({ kind: 'error', signal: `oembed_${status}` });
      expect(last.alerts).toEqual([]);
    }
    // A 429 is never kept, not even on the last attempt: the probe waits for as long as it is asked to.
    oembed.answer('800000000000000001', { status: 429, retryAfter: 3 });
    await expect(probe(t, true)).rejects.toMatchObject({ status: 429, retryAfterMs: 3_000 });
    expect((await listSnapshots(rig.ctx.pool, t.id, 10)).map((s) => s.outcome?.signal)).toEqual(['oembed_503', 'oembed_500', 'oembed_200']);
  });

  it('records an embed that turned from rendered to error as a page_render verdict, and probes the tweet at once', async () => {
    const path = '/news/render-error';
    rig.site.article(path, articleFor(path, { tweet: tweet('900000000000000001', 'rendered') }));
    const page = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h' });
    await runCapture(rig.ctx, page.id, `page-test-${++run}`);
    // Only the browser sees an embed's rendering: between full captures the tweet's own probe watches it. The
    // learned full capture is put back past its fullEvery, so this check is the periodic one in the browser.
    const learned = (await getTierState(rig.ctx.pool, page.id))!;
    await putTierState(rig.ctx.pool, { ...learned, fullAt: new Date(Date.now() - 8 * 86_400_000) });
    rig.site.article(path, articleFor(path, { tweet: tweet('900000000000000001', 'error') }));
    const second = await runCapture(rig.ctx, page.id, `page-test-${++run}`);
    const t = (await findTargetByUrl(rig.ctx.pool, canonicalTweetUrl('900000000000000001')))!;
    const [latest] = await listSnapshots(rig.ctx.pool, t.id, 1);
    expect(latest).toMatchObject({ fetcher: 'page_render', outcome: { kind: 'gone', signal: 'page_render_error' } });
    const queued = await rig.ctx.tweetQueue.getJob(`probe-${t.id}-${second.snapshot.id}`);
    expect(queued?.data).toEqual({ targetId: t.id, reason: 'embed_error' });
  });

  it('holds tweet probes to one shared rate across workers, through the real queue', async () => {
    const ids = Array.from({ length: 6 }, (_, i) => `95000000000000000${i}`);
    const targets: Target[] = [];
    for (const id of ids) {
      oembed.answer(id, { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
      targets.push(await addTarget(rig.ctx, { url: `https://twitter.com/USAfricaCommand/status/${id}` }));
    }
    const second = await createTestContext(rig.db.url, { SCRUBWATCH_OEMBED_URL: oembed.url, SCRUBWATCH_TWEET_RATE: '2/1s', SCRUBWATCH_QUEUE_PREFIX: rig.ctx.config.queuePrefix });
    const workers = [await startWorker(rig.ctx, processors), await startWorker(second, processors)];
    try {
      const jobs = await rig.ctx.tweetQueue.addBulk(targets.map((t) => ({ name: 'capture', data: { targetId: t.id, reason: 'manual' as const }, opts: { jobId: `rate-${t.id}` } })));
      await waitUntil('all six probes to complete', async () => (await Promise.all(jobs.map((j) => j.isCompleted()))).every(Boolean), 20_000, 200);
      // The limiter spaces the jobs' starts, so measure those: when each request reached oEmbed also counts the
      // target lookup and connection setup, which differ from probe to probe.
      const started = await Promise.all(jobs.map(async (j) => (await rig.ctx.tweetQueue.getJob(j.id!))?.processedOn ?? Number.NaN));
      // Six starts at two per second, whichever worker took them, cannot all fit in under two seconds. processedOn is
      // stamped by the worker just before Redis applies the limit: a few milliseconds are allowed for that.
      expect(Math.max(...started) - Math.min(...started)).toBeGreaterThanOrEqual(1_950);
    } finally {
      for (const w of workers) await w.close();
      await second.close();
    }
  });

  it('pauses the tweet queue on a 429 for as long as oEmbed asks, then probes again without spending an attempt', async () => {
    const id = '960000000000000001';
    const t = await addTarget(rig.ctx, { url: `https://twitter.com/USAfricaCommand/status/${id}` });
    oembed.answer(id, { status: 429, retryAfter: 1 });
    const worker = await startWorker(rig.ctx, processors);
    try {
      const job = await rig.ctx.tweetQueue.add('capture', { targetId: t.id, reason: 'manual' }, { jobId: `limited-${t.id}` });
      const deadline = Date.now() + 15_000;
      while (Date.now() < deadline && oembed.requests(id).length === 0) await new Promise((r) => setTimeout(r, 100));
      oembed.answer(id, { status: 200, author: 'USAfricaCommand', text: TEXT, date: 'February 18, 2019' });
      while (Date.now() < deadline && !(await job.isCompleted())) await new Promise((r) => setTimeout(r, 200));
      const done = (await rig.ctx.tweetQueue.getJob(job.id!))!;
      expect(await done.isCompleted()).toBe(true);
      expect(done.attemptsMade).toBeLessThanOrEqual(1);
      const requests = oembed.requests(id);
      expect(requests.length).toBeGreaterThanOrEqual(2);
      expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(900);
      const snapshots = await listSnapshots(rig.ctx.pool, t.id, 10);
      expect(snapshots.map((s) => s.outcome?.signal)).toEqual(['oembed_200']);
    } finally {
      await worker.close();
    }
  });
});
