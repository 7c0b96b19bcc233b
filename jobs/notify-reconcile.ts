import type { Context } from '../src/context.ts';
import { reconcileDigests, reconcileOutbox } from '../src/notify/outbox.ts';
import type { NotifyJob, NotifyJobResult } from '../src/queue/notify-jobs.ts';

/** Unfinished deliveries younger than this are left to the capture that raised them to queue. */
const RECONCILE_MIN_AGE_MS = 10_000;

/** The processor of `notify` jobs `reconcile`: re-queues what the outbox holds unsent, and the digest schedules. */
export function reconcileProcessor(ctx: Context) {
  return async (job: NotifyJob<'reconcile'>): Promise<NotifyJobResult> => {
    const outbox = await reconcileOutbox(ctx.pool, ctx.notifyQueue, ctx.config, RECONCILE_MIN_AGE_MS);
    const digests = await reconcileDigests(ctx.pool, ctx.notifyQueue, ctx.config);
    if (outbox.queued || outbox.deadLettered) ctx.logger.child({ jobId: job.id, kind: job.data.kind }).info({ ...outbox, ...digests }, 'outbox reconciled');
    return { outcome: 'reconciled', count: outbox.queued };
  };
}
