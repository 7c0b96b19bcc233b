import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { NotATweetError, TransientTweetProbeError } from '../src/errors/index.ts';
import { TWEET_QUEUE, type TweetJobData, type TweetJobResult } from '../src/queue/queues.ts';
import { runTweetProbe } from '../src/watch/probe-tweet.ts';
import { jobResultOf, openWatchJob } from '../src/watch/job-result.ts';

/** How long the whole tweet queue pauses after a 429 that named no Retry-After. */
const DEFAULT_RATE_LIMIT_PAUSE_MS = 60_000;

/**
 * The processor of the `tweet` queue (job `tweet`): one tweet target's oEmbed probe, through the probe service.
 * It takes every job on its queue whatever its name, so tweet jobs queued as `capture` before the tweet queue had
 * its own job name (and schedulers created then) still run. A 429 pauses the whole queue — every worker — for as
 * long as oEmbed asks, through BullMQ's rate limiter, and puts the job back without spending an attempt.
 */
export function tweetProcessor(ctx: Context, worker: () => Worker<TweetJobData, TweetJobResult, string>) {
  return async (job: Job<TweetJobData, TweetJobResult, string>): Promise<TweetJobResult> => {
    const { targetId, reason } = job.data;
    if (job.id === undefined) throw new UnrecoverableError(`a job on queue ${TWEET_QUEUE} has no id`);
    const opened = await openWatchJob(ctx, job.id, job.data);
    if (!opened) throw new UnrecoverableError(`target ${targetId} no longer exists`);
    if (opened.skipped) return opened.skipped;
    try {
      // Someone asking (`check`) wants an answer now, not after the retries' backoff.
      const finalAttempt = reason === 'manual' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
      return jobResultOf(await runTweetProbe(ctx, opened.target, job.id, { finalAttempt }));
    } catch (err) {
      if (err instanceof TransientTweetProbeError && err.status === 429) {
        await worker().rateLimit(err.retryAfterMs ?? DEFAULT_RATE_LIMIT_PAUSE_MS);
        throw Worker.RateLimitError();
      }
      if (err instanceof NotATweetError) throw new UnrecoverableError(err.message);
      throw err;
    }
  };
}
