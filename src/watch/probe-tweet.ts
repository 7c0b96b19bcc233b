import type { Context } from '../context.ts';
import { NotATweetError, TransientTweetProbeError } from '../errors/index.ts';
import { requireTarget, type Target } from '../db/targets.ts';
import { probeOembed } from '../tweets/oembed.ts';
import { findSavedCapture, type SavedCapture } from './save-capture.ts';
import { saveTweetVerdict } from './save-tweet-verdict.ts';

/**
 * Probes one tweet target through oEmbed and saves the verdict through the same store, lifecycle and after-save
 * path as pages. A transient answer is thrown (to be retried with backoff) unless this is the last attempt, when
 * it is saved as an `error` snapshot: it counts towards `page_unreachable`, never towards a removal. A 429 is
 * always thrown: the caller waits as long as asked. `target` is the target already loaded, or its id.
 */
export async function runTweetProbe(ctx: Context, target: Target | number, jobId: string, options: { finalAttempt: boolean }): Promise<SavedCapture> {
  const tweet = typeof target === 'number' ? await requireTarget(ctx.pool, target) : target;
  const log = ctx.logger.child({ jobId, targetId: tweet.id });
  if (tweet.kind !== 'tweet' || !tweet.tweetId) throw new NotATweetError(tweet.id);
  const already = await findSavedCapture(ctx.pool, tweet.id, jobId);
  if (already) return already;
  const startedAt = new Date();
  const verdict = await probeOembed(ctx.config.oembedUrl, tweet.tweetId, tweet.url);
  // A 429 always waits (the queue pauses for every worker); other transient answers are kept on the last attempt.
  if (verdict.state === 'transient' && (verdict.status === 429 || !options.finalAttempt)) {
    throw new TransientTweetProbeError(verdict.detail, verdict.status, verdict.retryAfterMs);
  }
  return saveTweetVerdict(ctx, tweet, jobId, verdict, startedAt, log);
}
