import type { Worker } from 'bullmq';
import type { Context } from '../src/context.ts';
import { listTargets } from '../src/db/targets.ts';
import { reconcileSchedules, type ReconcileResult } from '../src/queue/schedules.ts';
import { createCaptureWorker, createWorker, TWEET_QUEUE, type CaptureJobData, type CaptureJobResult } from '../src/queue/queues.ts';
import { captureTargetProcessor } from './capture-target.ts';
import { probeTweetProcessor } from './probe-tweet.ts';
import { startNotifyWorker, type RunningNotifyWorker } from './notify-worker.ts';

type WatchWorker = Worker<CaptureJobData, CaptureJobResult, string>;

export interface RunningWorker {
  worker: WatchWorker;
  tweetWorker: WatchWorker;
  /** Delivers alerts to subscribers (the `notify` queue) and runs the outbox reconciler. */
  notify: RunningNotifyWorker;
  reconciled: ReconcileResult;
  /** Stops taking jobs and waits for the ones in hand (BullMQ releases them if the wait is cut short). */
  close(): Promise<void>;
}

function sum(a: ReconcileResult, b: ReconcileResult): ReconcileResult {
  return { created: a.created + b.created, updated: a.updated + b.updated, removed: a.removed + b.removed, unchanged: a.unchanged + b.unchanged };
}

function logFailures(ctx: Context, worker: WatchWorker, what: string): void {
  worker.on('failed', (job, err) =>
    ctx.logger.warn({ jobId: job?.id, targetId: job?.data.targetId, attempt: job?.attemptsMade, err: err.message }, `${what} job failed`),
  );
  worker.on('error', (err) => ctx.logger.error({ err: err.message }, `${what} worker error`));
}

/**
 * Restores every schedule from Postgres, then starts taking capture jobs (pages) and probe jobs (tweets). Many of
 * these can run, on many machines, against one Redis and one Postgres: BullMQ hands each job to exactly one of
 * them, and holds every worker's tweet probes to one shared rate.
 */
export async function startWorker(ctx: Context): Promise<RunningWorker> {
  const targets = await listTargets(ctx.pool);
  const reconciled = sum(
    await reconcileSchedules(ctx.captureQueue, targets.filter((t) => t.kind === 'page')),
    await reconcileSchedules(ctx.tweetQueue, targets.filter((t) => t.kind === 'tweet')),
  );
  ctx.logger.info({ ...reconciled, queuePrefix: ctx.config.queuePrefix }, 'schedules reconciled');
  const worker = createCaptureWorker(ctx.config, ctx.redis, captureTargetProcessor(ctx));
  logFailures(ctx, worker, 'capture');
  const rate = ctx.config.tweetRate;
  const tweetWorker: WatchWorker = createWorker(TWEET_QUEUE, ctx.config, ctx.redis, probeTweetProcessor(ctx, () => tweetWorker), {
    concurrency: 2,
    limiter: { max: rate.max, duration: rate.durationMs },
  });
  logFailures(ctx, tweetWorker, 'tweet probe');
  await Promise.all([worker.waitUntilReady(), tweetWorker.waitUntilReady()]);
  const notify = await startNotifyWorker(ctx);
  ctx.logger.info({ concurrency: ctx.config.concurrency, tweetRate: rate }, 'worker started');
  return {
    worker,
    tweetWorker,
    notify,
    reconciled,
    close: async () => {
      await Promise.all([worker.close(), tweetWorker.close(), notify.close()]);
    },
  };
}
