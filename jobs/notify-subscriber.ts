import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { getAlertsByIds } from '../src/db/alerts.ts';
import { getTarget } from '../src/db/targets.ts';
import { deliverDigest, deliverOne } from '../src/notify/deliver.ts';
import { ensureWayback } from '../src/notify/enrich-alert.ts';
import { reconcileDigests, reconcileOutbox } from '../src/notify/outbox.ts';
import { requestSavePageNow } from '../src/notify/wayback.ts';
import type { NotifyJobData, NotifyJobResult, NotifyQueue } from '../src/queue/notify-jobs.ts';

/** Unfinished deliveries younger than this are left to the capture that raised them to queue. */
const RECONCILE_MIN_AGE_MS = 10_000;

/** Whether this run is the job's last attempt: a delivery failing now goes to the dead letter. */
function isLastAttempt(job: Job): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * The BullMQ processor of the `notify` queue: sends one delivery (`deliver`), a subscription's digest (`digest`),
 * re-queues what the outbox holds unsent (`reconcile`), finds a removal's Wayback copy (`wayback`), or asks Save
 * Page Now for a public copy (`archive`). Every kind is idempotent.
 */
export function notifyProcessor(ctx: Context, queue: NotifyQueue) {
  return async (job: Job<NotifyJobData, NotifyJobResult, string>): Promise<NotifyJobResult> => {
    const data = job.data;
    const log = ctx.logger.child({ jobId: job.id, kind: data.kind });
    switch (data.kind) {
      case 'deliver': {
        if (!Number.isSafeInteger(data.deliveryId)) throw new UnrecoverableError(`bad deliveryId in job ${job.id}`);
        const outcome = await deliverOne(ctx, data.deliveryId, isLastAttempt(job));
        log.info({ deliveryId: data.deliveryId, outcome }, 'delivery done');
        return { outcome, deliveryIds: [data.deliveryId] };
      }
      case 'digest': {
        // The batch is named after the scheduler's job, so a retry of it resends the same alerts.
        const ids = await deliverDigest(ctx, data.subscriptionId, `digest:${job.id ?? job.timestamp}`, isLastAttempt(job));
        if (ids.length) log.info({ subscriptionId: data.subscriptionId, deliveryIds: ids }, 'digest delivered');
        return { outcome: ids.length ? 'delivered' : 'nothing', deliveryIds: ids };
      }
      case 'reconcile': {
        const outbox = await reconcileOutbox(ctx.pool, queue, ctx.config, RECONCILE_MIN_AGE_MS);
        const digests = await reconcileDigests(ctx.pool, queue, ctx.config);
        if (outbox.queued || outbox.deadLettered) log.info({ ...outbox, ...digests }, 'outbox reconciled');
        return { outcome: 'reconciled', count: outbox.queued };
      }
      case 'wayback': {
        const [alert] = await getAlertsByIds(ctx.pool, [data.alertId]);
        const target = alert ? await getTarget(ctx.pool, alert.targetId) : null;
        if (alert && target) await ensureWayback(ctx, alert, target);
        return { outcome: 'enriched' };
      }
      case 'archive': {
        try {
          const status = await requestSavePageNow(ctx.config.waybackUrl, data.url, ctx.config.waybackTimeoutMs);
          log.info({ targetId: data.targetId, snapshotId: data.snapshotId, status }, 'save page now requested');
        } catch (err) {
          // Best effort by design: a public copy is a bonus, never a reason to retry for hours.
          log.warn({ targetId: data.targetId, err: (err as Error).message }, 'save page now failed');
        }
        return { outcome: 'requested' };
      }
    }
  };
}
