import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { hostKey } from '../src/politeness/host-gate.ts';
import { CAPTURE_QUEUE, type CaptureJobData, type CaptureJobResult } from '../src/queue/queues.ts';
import { runCapture } from '../src/watch/capture-target.ts';
import { jobResultOf, openWatchJob } from '../src/watch/job-result.ts';

const HOST_LEASE_MARGIN_MS = 30_000;

/**
 * The processor of the `capture` queue (job `capture`): one page target's capture, through the capture service,
 * once the host's politeness slot is free. A busy host puts the job back without spending an attempt; a job that
 * names nothing capturable fails for good; anything else retries with backoff.
 */
export function captureProcessor(ctx: Context) {
  return async (job: Job<CaptureJobData, CaptureJobResult, string>, token?: string): Promise<CaptureJobResult> => {
    const { targetId } = job.data;
    if (!Number.isSafeInteger(targetId) || targetId <= 0) throw new UnrecoverableError(`bad targetId in job ${job.id}`);
    if (job.id === undefined) throw new UnrecoverableError(`a job on queue ${CAPTURE_QUEUE} has no id`);
    const opened = await openWatchJob(ctx, job.id, job.data);
    if (!opened) throw new UnrecoverableError(`target ${targetId} no longer exists`);
    if (opened.skipped) return opened.skipped;
    const { target } = opened;
    const host = hostKey(target.url);
    // The slot outlives the longest capture a little, so a worker that died frees it by itself.
    const leaseMs = (target.options.timeoutMs ?? ctx.config.captureTimeoutMs) + HOST_LEASE_MARGIN_MS;
    const gate = await ctx.hostGate.acquire(host, job.id, leaseMs);
    if (!gate.granted) {
      // Not a failure and not a busy loop: the job goes back to the delayed set and costs no attempt.
      await job.moveToDelayed(Date.now() + gate.retryInMs, token);
      throw new DelayedError(`${host} is ${gate.reason === 'busy' ? 'being captured' : 'in its gap between captures'}`);
    }
    try {
      return jobResultOf(await runCapture(ctx, target, job.id));
    } finally {
      await ctx.hostGate.release(host, job.id).catch((err: unknown) => ctx.logger.warn({ err, host }, 'host slot not released; it frees itself when its lease ends'));
    }
  };
}
