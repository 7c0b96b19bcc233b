import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { AppError, NotFoundError } from '../src/errors/index.ts';
import { getTarget } from '../src/db/targets.ts';
import { probeOembed } from '../src/tweets/oembed.ts';
import { saveTweetVerdict } from '../src/tweets/save-tweet-verdict.ts';
import { findSavedCapture, type SavedCapture } from '../src/store/save-capture.ts';
import type { CaptureJobData, CaptureJobResult } from '../src/queue/queues.ts';
import { skipStale, summarise } from './capture-target.ts';

/** oEmbed answered 429, 5xx or nothing: try again later; never a removal. */
export class TransientTweetProbeError extends AppError {
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(detail: string, status: number | null, retryAfterMs: number | null) {
    super('tweet_probe_transient', `${detail}; the probe will be retried`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * Probes one tweet through oEmbed and saves the verdict. A transient answer is thrown (to be retried with
 * backoff) unless this is the last attempt, when it is saved as an `error` snapshot: it counts towards
 * `page_unreachable`, never towards a removal. A 429 is always thrown: the caller waits as long as asked.
 */
export async function runTweetProbe(ctx: Context, targetId: number, jobId: string, options: { finalAttempt: boolean }): Promise<SavedCapture> {
  const log = ctx.logger.child({ jobId, targetId });
  const target = await getTarget(ctx.pool, targetId);
  if (!target) throw new NotFoundError('target', targetId);
  if (target.kind !== 'tweet' || !target.tweetId) throw new UnrecoverableError(`target ${targetId} is not a tweet`);
  const already = await findSavedCapture(ctx.pool, targetId, jobId);
  if (already) return already;
  const startedAt = new Date();
  const verdict = await probeOembed(ctx.config.oembedUrl, target.tweetId, target.url);
  // A 429 always waits (the queue pauses for every worker); other transient answers are kept on the last attempt.
  if (verdict.state === 'transient' && (verdict.status === 429 || !options.finalAttempt)) {
    throw new TransientTweetProbeError(verdict.detail, verdict.status, verdict.retryAfterMs);
  }
  return saveTweetVerdict(ctx, target, jobId, verdict, startedAt, log);
}

/** How long the whole tweet queue pauses after a 429 that named no Retry-After. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;

/**
 * The processor of the `tweet` queue. A 429 pauses the whole queue — every worker — for as long as oEmbed asks,
 * through BullMQ's rate limiter, and puts the job back without spending an attempt.
 */
export function probeTweetProcessor(ctx: Context, worker: () => Worker<CaptureJobData, CaptureJobResult, string>) {
  return async (job: Job<CaptureJobData, CaptureJobResult, string>): Promise<CaptureJobResult> => {
    const { targetId, reason } = job.data;
    const target = await getTarget(ctx.pool, targetId);
    if (!target) throw new UnrecoverableError(`target ${targetId} no longer exists`);
    const skipped = await skipStale(ctx, job, target);
    if (skipped) return skipped;
    try {
      // Someone asking (`check`) wants an answer now, not after the retries' backoff.
      const finalAttempt = reason === 'manual' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      return summarise(await runTweetProbe(ctx, targetId, job.id ?? `job-${Date.now()}`, { finalAttempt }));
    } catch (err) {
      if (err instanceof TransientTweetProbeError && err.status === 429) {
        await worker().rateLimit(err.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
        throw Worker.RateLimitError();
      }
      throw err;
    }
  };
}
