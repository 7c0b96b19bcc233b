import type { Worker } from 'bullmq';
import type { Context } from '../src/context.ts';
import { listTargets } from '../src/db/targets.ts';
import { reconcileSchedules, type ReconcileResult } from '../src/queue/schedules.ts';
import { createCaptureWorker, type CaptureJobData, type CaptureJobResult } from '../src/queue/queues.ts';
import { captureTargetProcessor } from './capture-target.ts';

export interface RunningWorker {
  worker: Worker<CaptureJobData, CaptureJobResult, string>;
  reconciled: ReconcileResult;
  /** Stops taking jobs and waits for the ones in hand (BullMQ releases them if the wait is cut short). */
  close(): Promise<void>;
}

/**
 * Restores every schedule from Postgres, then starts taking capture jobs. Many of these can run, on many
 * machines, against one Redis and one Postgres: BullMQ hands each job to exactly one of them.
 */
export async function startWorker(ctx: Context): Promise<RunningWorker> {
  const reconciled = await reconcileSchedules(ctx.captureQueue, await listTargets(ctx.pool));
  ctx.logger.info({ ...reconciled, queuePrefix: ctx.config.queuePrefix }, 'schedules reconciled');
  // The lock is renewed while a capture runs; this only bounds how long a killed worker's job waits to be retried.
  const worker = createCaptureWorker(ctx.config, ctx.redis, captureTargetProcessor(ctx), { lockDurationMs: 60_000 });
  worker.on('failed', (job, err) =>
    ctx.logger.warn({ jobId: job?.id, targetId: job?.data.targetId, attempt: job?.attemptsMade, err: err.message }, 'capture job failed'),
  );
  worker.on('error', (err) => ctx.logger.error({ err: err.message }, 'worker error'));
  await worker.waitUntilReady();
  ctx.logger.info({ concurrency: ctx.config.concurrency }, 'worker started');
  return {
    worker,
    reconciled,
    close: () => worker.close(),
  };
}
