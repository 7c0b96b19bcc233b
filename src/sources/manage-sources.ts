import { randomUUID } from 'node:crypto';
import type { Context } from '../context.ts';
import { assertUrlAllowed } from '../capture/url-policy.ts';
import { deleteSource, findSource, getSource, insertSource, setSourcePaused, type Source } from '../db/sources.ts';
import { AppError, DuplicateSourceError, NoWorkerError, NotFoundError, SourceRunFailedError } from '../errors/index.ts';
import { createQueueEvents, DISCOVER_QUEUE, type DiscoverJobResult } from '../queue/queues.ts';
import { JobWaiter } from '../queue/job-waiter.ts';
import { removeSourceSchedule, syncSourceSchedule } from '../queue/source-schedules.ts';
import { JOB, jobIds } from '../queue/vocabulary.ts';
import { parseNewSource, type NewSourceInput, type SourceRunResult } from './source-model.ts';

/** What managing sources needs of the context. */
export type SourceDeps = Pick<Context, 'pool' | 'config' | 'discoverQueue'>;

/** A source by id, or NotFoundError naming `scrubwatch sources list`. */
export async function requireSource(deps: Pick<Context, 'pool'>, id: number): Promise<Source> {
  const source = await getSource(deps.pool, id);
  if (!source) throw new NotFoundError('source', id);
  return source;
}

/**
 * Validates and stores a new source and schedules its reads, the first one interval from now (`sources run`
 * reads it at once). Postgres is written first: should the queue be unreachable, the next worker start
 * reconciles the schedule from the stored source.
 */
export async function addSource(deps: SourceDeps, input: NewSourceInput): Promise<Source> {
  const spec = parseNewSource(input);
  await assertUrlAllowed(spec.url, deps.config);
  const source = await insertSource(deps.pool, spec);
  if (!source) {
    const existing = await findSource(deps.pool, spec.kind, spec.url);
    throw new DuplicateSourceError(spec.kind, spec.url, existing?.id ?? 0);
  }
  await syncSourceSchedule(deps.discoverQueue, source);
  return source;
}

/** Pauses (no scheduled reads) or resumes a source. The targets it made keep their own schedules either way. */
export async function setPausedSource(deps: SourceDeps, id: number, paused: boolean): Promise<Source> {
  const source = await setSourcePaused(deps.pool, id, paused);
  if (!source) throw new NotFoundError('source', id);
  await syncSourceSchedule(deps.discoverQueue, source);
  return source;
}

/** Removes a source and its schedule. The targets it made stay, with their snapshots and alerts: they are evidence. */
export async function removeSource(deps: SourceDeps, id: number): Promise<Source> {
  const source = await requireSource(deps, id);
  await removeSourceSchedule(deps.discoverQueue, id);
  await deleteSource(deps.pool, id);
  return source;
}

/**
 * Reads a source now through the workers (`sources run`, `POST /api/sources/{id}/run`) and waits for the result.
 * Fails at once when no worker listens, instead of waiting for nothing.
 */
export async function runSourceNow(ctx: Context, id: number, waitMs: number): Promise<SourceRunResult> {
  await requireSource(ctx, id);
  const trusted = ctx.runsWorkers || ctx.embeddedAccess === 'attached';
  if (!trusted && (await ctx.discoverQueue.getWorkersCount()) === 0) throw new NoWorkerError(ctx.config.queuePrefix, { inline: false });
  const events = createQueueEvents(DISCOVER_QUEUE, ctx.config, ctx.queueBackend);
  let waiter: JobWaiter<DiscoverJobResult> | null = null;
  try {
    await events.waitUntilReady();
    waiter = new JobWaiter<DiscoverJobResult>(ctx.discoverQueue, events);
    const job = await ctx.discoverQueue.add(JOB.discover, { sourceId: id, reason: 'manual' }, { jobId: jobIds.sourceRun(id, randomUUID()) });
    const result = await waiter.wait(job.id!, waitMs);
    if (result === null) throw new SourceRunFailedError(id, 'the source was removed while it was being read');
    return result;
  } catch (err) {
    if (err instanceof AppError) throw err;
    throw new SourceRunFailedError(id, (err as Error).message);
  } finally {
    waiter?.close();
    await events.close();
  }
}
