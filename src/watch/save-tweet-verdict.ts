import type { Logger } from 'pino';
import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import { findEmbedSighting, listEmbeddingPages } from '../db/tweet-embeds.ts';
import { outcomeOf, tweetCaptureResult, type TweetVerdict } from '../tweets/tweet-verdict.ts';
import { saveCapture, type SavedCapture } from './save-capture.ts';
import { afterSave } from './after-save.ts';

/**
 * Saves one source's verdict on a tweet as a snapshot of its tweet target, through the same store, lifecycle
 * and confirmation as pages (tweet_deleted, tweet_withheld, page_restored), naming the pages that embed it — the
 * page snapshot that showed it embedded stands as the baseline of a tweet never judged before — and hands it on through the same after-save path (recheck, delivery).
 */
export async function saveTweetVerdict(ctx: Context, target: Target, jobId: string, verdict: TweetVerdict, startedAt: Date, log: Logger): Promise<SavedCapture> {
  const result = tweetCaptureResult(target.url, verdict, startedAt, Date.now() - startedAt.getTime());
  const saved = await saveCapture(ctx.pool, target, jobId, result, {
    outcome: outcomeOf(verdict),
    hostNotFound: null,
    embeddedIn: await listEmbeddingPages(ctx.pool, target.id),
    seenInEmbedSnapshotId: await findEmbedSighting(ctx.pool, target.id),
    unreachableAfterMs: ctx.config.unreachableAfterMs,
    maxRechecks: ctx.config.maxRechecks,
    confirmMinGapMs: ctx.config.confirmMinGapMs,
  });
  await afterSave(ctx, target, saved);
  log.info(
    { snapshotId: saved.snapshot.id, source: verdict.source, state: verdict.state, status: verdict.status, lifecycle: saved.lifecycle, alerts: saved.alerts.map((a) => a.kind) },
    'tweet verdict saved',
  );
  return saved;
}
