import type { Job, Worker } from 'bullmq';
import type { Context } from '../context.ts';
import { createWorker, NOTIFY_QUEUE } from '../queue/queues.ts';
import { markFailed, getDelivery } from '../db/deliveries.ts';
import { describeError } from '../errors/index.ts';
import { BEST_EFFORT_JOB_OPTIONS, type NotifyJobData, type NotifyJobResult, type NotifyQueue } from '../queue/notify-jobs.ts';
import { JOB, schedulerIds } from '../queue/vocabulary.ts';
import { reconcileDigests, reconcileOutbox } from '../notify/outbox.ts';
import type { NotifyProcessors } from './processors.ts';

/** Deliveries one worker process sends at once: each mostly waits on a receiver. */
const NOTIFY_CONCURRENCY = 8;
/** How often the reconciler re-queues what the outbox holds unsent. */
const RECONCILE_EVERY_MS = 60_000;

export interface RunningNotifyWorker {
  worker: Worker<NotifyJobData, NotifyJobResult, string>;
  queue: NotifyQueue;
  close(): Promise<void>;
}

/**
 * Queues what the outbox holds unsent and the digest schedules, and keeps the reconciler's own schedule: at start,
 * and again when Redis lost the queues.
 */
export async function reconcileNotifyQueue(ctx: Context): Promise<void> {
  const queue = ctx.notifyQueue;
  const outbox = await reconcileOutbox(ctx.pool, queue, ctx.config, 0);
  const digests = await reconcileDigests(ctx.pool, queue, ctx.config);
  await queue.upsertJobScheduler(schedulerIds.reconcile, { every: RECONCILE_EVERY_MS }, { name: JOB.reconcile, data: { kind: JOB.reconcile }, opts: { ...BEST_EFFORT_JOB_OPTIONS, attempts: 1 } });
  ctx.logger.info({ ...outbox, digests: digests.scheduled }, 'outbox reconciled');
}

/**
 * The `notify` queue's processor: each job goes to the processor of its kind (jobs/notify-<kind>.ts). Every kind
 * is idempotent.
 */
function notifyProcessor(ctx: Context, kinds: NotifyProcessors) {
  const processors = {
    deliver: kinds.deliver(ctx),
    digest: kinds.digest(ctx),
    reconcile: kinds.reconcile(ctx),
    wayback: kinds.wayback(ctx),
    archive: kinds.archive(ctx),
  };
  return (job: Job<NotifyJobData, NotifyJobResult, string>): Promise<NotifyJobResult> =>
    (processors[job.data.kind] as (job: Job<NotifyJobData, NotifyJobResult, string>) => Promise<NotifyJobResult>)(job);
}

/**
 * Starts delivering alerts: reconciles the outbox and the digest schedules once (so deliveries left unsent by a
 * crash go out now), keeps a reconciler running every minute, and takes `notify` jobs.
 */
export async function startNotifyWorker(ctx: Context, processors: NotifyProcessors): Promise<RunningNotifyWorker> {
  const queue = ctx.notifyQueue;
  await reconcileNotifyQueue(ctx);
  const worker = createWorker<NotifyJobData, NotifyJobResult>(NOTIFY_QUEUE, ctx.config, ctx.queueBackend, notifyProcessor(ctx, processors), {
    concurrency: NOTIFY_CONCURRENCY,
  });
  worker.on('failed', (job, err) => {
    ctx.logger.warn({ jobId: job?.id, kind: job?.data.kind, attempt: job?.attemptsMade, err: err.message }, 'notify job failed');
    // A delivery job BullMQ gave up on (out of attempts, or stalled too often) is dead-lettered; once is enough.
    if (job?.data.kind === 'deliver') {
      const id = job.data.deliveryId;
      void job
        .getState()
        .then(async (state) => {
          const d = state === 'failed' ? await getDelivery(ctx.pool, id) : null;
          if (d) await markFailed(ctx.pool, [id], err.message, d.responseCode, true);
        })
        .catch((e: unknown) => ctx.logger.error({ deliveryId: id, err: describeError(e) }, 'could not dead-letter delivery'));
    }
  });
  worker.on('error', (err) => ctx.logger.error({ err: err.message }, 'notify worker error'));
  await worker.waitUntilReady();
  ctx.logger.info({ concurrency: NOTIFY_CONCURRENCY }, 'notify worker started');
  return {
    worker,
    queue,
    async close() {
      await worker.close();
    },
  };
}
