import type { Context } from '../src/context.ts';
import { deliverDigest } from '../src/notify/deliver.ts';
import { isLastAttempt, type NotifyJob, type NotifyJobResult } from '../src/queue/notify-jobs.ts';
import { digestBatchId } from '../src/queue/vocabulary.ts';

/** The processor of `notify` jobs `digest`: sends a subscription's digest of the alerts gathered since the last. */
export function digestProcessor(ctx: Context) {
  return async (job: NotifyJob<'digest'>): Promise<NotifyJobResult> => {
    const { subscriptionId } = job.data;
    const ids = await deliverDigest(ctx, subscriptionId, digestBatchId(job), isLastAttempt(job));
    if (ids.length) ctx.logger.child({ jobId: job.id, kind: job.data.kind }).info({ subscriptionId, deliveryIds: ids }, 'digest delivered');
    return { outcome: ids.length ? 'delivered' : 'nothing', deliveryIds: ids };
  };
}
