import { UnrecoverableError } from 'bullmq';
import type { Context } from '../src/context.ts';
import { deliverOne } from '../src/notify/deliver.ts';
import { isLastAttempt, type NotifyJob, type NotifyJobResult } from '../src/queue/notify-jobs.ts';

/** The processor of `notify` jobs `deliver`: sends one delivery of one alert to one subscription. Idempotent. */
export function deliverProcessor(ctx: Context) {
  return async (job: NotifyJob<'deliver'>): Promise<NotifyJobResult> => {
    const { deliveryId } = job.data;
    if (!Number.isSafeInteger(deliveryId)) throw new UnrecoverableError(`bad deliveryId in job ${job.id}`);
    const outcome = await deliverOne(ctx, deliveryId, isLastAttempt(job));
    ctx.logger.child({ jobId: job.id, kind: job.data.kind }).info({ deliveryId, outcome }, 'delivery done');
    return { outcome, deliveryIds: [deliveryId] };
  };
}
