import { UnrecoverableError, type Job } from 'bullmq';
import type { Context } from '../src/context.ts';
import { DISCOVER_QUEUE, type DiscoverJobData, type DiscoverJobResult } from '../src/queue/queues.ts';
import { runSource } from '../src/sources/run-source.ts';

/**
 * The processor of the `discover` queue (job `discover`): one read of a source. A job that names no source fails
 * for good; a gone source (or a paused one whose schedule fired) is null; anything else retries with backoff.
 */
export function discoverProcessor(ctx: Context) {
  return async (job: Job<DiscoverJobData, DiscoverJobResult, string>): Promise<DiscoverJobResult> => {
    const { sourceId, reason } = job.data;
    if (!Number.isSafeInteger(sourceId) || sourceId <= 0) throw new UnrecoverableError(`bad sourceId in job ${job.id}`);
    if (job.id === undefined) throw new UnrecoverableError(`a job on queue ${DISCOVER_QUEUE} has no id`);
    return runSource(ctx, sourceId, job.id, reason === 'manual' ? 'manual' : 'schedule');
  };
}
