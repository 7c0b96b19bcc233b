import type { Context } from '../context.ts';
import { reconcileTargetSchedules, resumePendingCaptures, type ReconcileResult } from '../queue/schedules.ts';
import { createCaptureWorker, createWorker, DISCOVER_QUEUE, TWEET_QUEUE, type CaptureWorker, type DiscoverWorker, type TweetWorker } from '../queue/queues.ts';
import { reconcileSourceSchedules } from '../queue/source-schedules.ts';
import { listSources } from '../db/sources.ts';
import { restoreAndMark, watchForRedisLoss } from '../queue/redis-loss.ts';
import type { Processors } from './processors.ts';
import { reconcileNotifyQueue, startNotifyWorker, type RunningNotifyWorker } from './notify-worker.ts';

type WatchWorker = CaptureWorker | TweetWorker;

export interface RunningWorker {
  worker: CaptureWorker;
  tweetWorker: TweetWorker;
  /** Reads sources (the `discover` queue): few reads at once, each of many pages. */
  discoverWorker: DiscoverWorker;
  /** Delivers alerts to subscribers (the `notify` queue) and runs the outbox reconciler. */
  notify: RunningNotifyWorker;
  reconciled: ReconcileResult;
  /**
   * Stops watching Redis and taking jobs, and waits up to DRAIN_TIMEOUT_MS for the jobs in hand; past that it
   * stops without them, and another worker takes them up once their locks lapse.
   */
  close(): Promise<void>;
}

function logFailures(ctx: Context, worker: WatchWorker, what: string): void {
  worker.on('failed', (job, err) =>
    ctx.logger.warn({ jobId: job?.id, targetId: job?.data.targetId, attempt: job?.attemptsMade, err: err.message }, `${what} job failed`),
  );
  worker.on('error', (err) => ctx.logger.error({ err: err.message }, `${what} worker error`));
}

/**
 * Source reads at once per process: each streams a whole site's index and writes thousands of targets, and its
 * discovery requests share the host politeness slots with captures, so two keep one worker from starving the rest.
 */
const DISCOVER_CONCURRENCY = 2;

/** How long closing waits for the jobs in hand before leaving them to other workers (their locks lapse). */
const DRAIN_TIMEOUT_MS = 20_000;

/** Resolves true when `promise` settled within `ms`, false when it did not (it keeps running). */
async function settledWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), late]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Makes the queue hold what Postgres says it should: every active target's schedule and the rechecks of suspected
 * removals (no-ops for what is already queued), and after a loss noticed while running (`lost`), the first
 * captures still owed. A worker starting queues no first captures: it cannot tell a Redis that lost them from one
 * they were taken out of on purpose, and adding or importing a target queues its first capture itself.
 */
async function restoreFromPostgres(ctx: Context, lost: boolean): Promise<ReconcileResult> {
  const reconciled = await reconcileTargetSchedules(ctx.pool, ctx);
  const resumed = await resumePendingCaptures(ctx.pool, ctx, ctx.config.confirmDelayMs, { firstCaptures: lost });
  const sources = await reconcileSourceSchedules(ctx.discoverQueue, await listSources(ctx.pool));
  ctx.logger.info({ ...reconciled, ...resumed, sources, queuePrefix: ctx.config.queuePrefix }, 'schedules reconciled');
  return reconciled;
}

/**
 * Restores every schedule from Postgres, then starts taking capture jobs (pages) and probe jobs (tweets). Many of
 * these can run, on many machines, against one Redis and one Postgres: BullMQ hands each job to exactly one of
 * them, and holds every worker's tweet probes to one shared rate. While it runs it watches for Redis losing the
 * queues (flushed, or restarted without persistence) and restores schedules and the outbox from Postgres at once.
 */
export async function startWorker(ctx: Context, processors: Processors): Promise<RunningWorker> {
  let reconciled: ReconcileResult = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  const { redis } = ctx;
  if (redis) {
    await restoreAndMark(redis, ctx.config.queuePrefix, async () => {
      reconciled = await restoreFromPostgres(ctx, false);
    });
  } else {
    reconciled = await restoreFromPostgres(ctx, false);
  }
  const worker = createCaptureWorker(ctx.config, ctx.queueBackend, processors.capture(ctx));
  logFailures(ctx, worker, 'capture');
  const rate = ctx.config.tweetRate;
  const tweetWorker: TweetWorker = createWorker(TWEET_QUEUE, ctx.config, ctx.queueBackend, processors.tweet(ctx, () => tweetWorker), {
    concurrency: 2,
    limiter: { max: rate.max, duration: rate.durationMs },
  });
  logFailures(ctx, tweetWorker, 'tweet probe');
  const discoverWorker: DiscoverWorker = createWorker(DISCOVER_QUEUE, ctx.config, ctx.queueBackend, processors.discover(ctx), { concurrency: DISCOVER_CONCURRENCY });
  discoverWorker.on('failed', (job, err) =>
    ctx.logger.warn({ jobId: job?.id, sourceId: job?.data.sourceId, attempt: job?.attemptsMade, err: err.message }, 'source read job failed'),
  );
  discoverWorker.on('error', (err) => ctx.logger.error({ err: err.message }, 'discover worker error'));
  await Promise.all([worker.waitUntilReady(), tweetWorker.waitUntilReady(), discoverWorker.waitUntilReady()]);
  const notify = await startNotifyWorker(ctx, processors.notify);
  // Queues in Postgres are kept with the data, so only a Redis can lose them.
  const watch = redis
    ? watchForRedisLoss(redis, ctx.config.queuePrefix, ctx.config.redisCheckIntervalMs, async () => {
      await restoreFromPostgres(ctx, true);
      await reconcileNotifyQueue(ctx);
    }, ctx.logger)
    : null;
  ctx.logger.info({ concurrency: ctx.config.concurrency, tweetRate: rate }, 'worker started');
  const workers = [worker, tweetWorker, discoverWorker, notify.worker];
  return {
    worker,
    tweetWorker,
    discoverWorker,
    notify,
    reconciled,
    close: async () => {
      await watch?.stop();
      // Jobs in hand get a while to finish; past that the workers stop without them, and their locks lapse so
      // another worker retries them (captures are idempotent per job).
      const drained = await settledWithin(Promise.all(workers.map((w) => w.close())), DRAIN_TIMEOUT_MS);
      if (!drained) {
        ctx.logger.warn({ drainTimeoutMs: DRAIN_TIMEOUT_MS }, 'jobs still running at shutdown: leaving them to other workers');
        await Promise.all(workers.map((w) => w.close(true)));
      }
    },
  };
}
