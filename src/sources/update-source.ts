import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { updateSourceSettings, type Source } from '../db/sources.ts';
import { NotFoundError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { syncSourceSchedule } from '../queue/source-schedules.ts';
import { JOB, QUEUE, jobIds } from '../queue/vocabulary.ts';
import { requireSource, setPausedSource, type SourceDeps } from './manage-sources.ts';
import { newSourceSchema, parseNewSource, type NewSourceInput } from './source-model.ts';

const settings = newSourceSchema.omit({ url: true, kind: true }).shape;

/**
 * What an operator may change of a source (`PATCH /api/sources/{id}`): every field is optional and only the ones
 * given change; its kind and URL never do. `name`, `since` and `nextSelector` take null to clear them; `paused`
 * pauses or resumes.
 */
export const sourcePatchSchema = z.strictObject({
  name: settings.name.unwrap().nullable().optional(),
  include: settings.include.unwrap().optional(),
  exclude: settings.exclude.unwrap().optional(),
  every: settings.every.unwrap().optional(),
  targetsEvery: settings.targetsEvery.unwrap().optional(),
  tags: settings.tags.unwrap().optional(),
  phrases: settings.phrases.unwrap().optional(),
  maxTargets: settings.maxTargets.unwrap().optional(),
  since: settings.since.unwrap().nullable().optional(),
  onlyMatching: settings.onlyMatching.unwrap().optional(),
  complete: settings.complete.unwrap().optional(),
  ignoreRobots: settings.ignoreRobots.unwrap().optional(),
  nextSelector: settings.nextSelector.unwrap().nullable().optional(),
  pages: settings.pages.unwrap().optional(),
  paused: z.boolean().optional(),
});
export type SourcePatch = z.input<typeof sourcePatchSchema>;

/** A stored source as the input that would make it again. */
function asInput(s: Source): NewSourceInput {
  return {
    url: s.url,
    kind: s.kind,
    include: s.include,
    exclude: s.exclude,
    every: s.every,
    targetsEvery: s.targetsEvery,
    tags: s.tags,
    phrases: s.phrases,
    maxTargets: s.maxTargets,
    onlyMatching: s.onlyMatching,
    complete: s.complete,
    ignoreRobots: s.ignoreRobots,
    pages: s.pages,
    ...(s.name !== null ? { name: s.name } : {}),
    ...(s.since !== null ? { since: s.since } : {}),
    ...(s.nextSelector !== null ? { nextSelector: s.nextSelector } : {}),
  };
}

/**
 * Changes a source's settings or paused state, then makes its scheduler match (a new `every` takes effect at
 * once). The merged settings are validated as a new source would be: InvalidInputError names the field.
 */
export async function updateSource(deps: SourceDeps, id: number, patch: SourcePatch): Promise<Source> {
  const v = parseInput(sourcePatchSchema, patch);
  const source = await requireSource(deps, id);
  const { paused, ...changes } = v;
  const merged: Record<string, unknown> = { ...asInput(source) };
  // The raw patch, not the parsed one: a partial parse would fill in defaults over stored settings.
  for (const [key, value] of Object.entries(patch)) {
    if (key === 'paused' || !(key in changes)) continue;
    if (value === null) delete merged[key];
    else merged[key] = value;
  }
  const updated = await updateSourceSettings(deps.pool, id, parseNewSource(merged as NewSourceInput));
  if (!updated) throw new NotFoundError('source', id);
  if (paused !== undefined && paused !== (updated.state === 'paused')) return setPausedSource(deps, id, paused);
  await syncSourceSchedule(deps.discoverQueue, updated);
  return updated;
}

/** A read of a source queued without waiting for it (`POST /api/sources/{id}/run` without `?wait=true`). */
export interface QueuedSourceRun {
  sourceId: number;
  jobId: string;
  queue: typeof QUEUE.discover;
}

/** Queues a read of the source now; a worker takes it when one runs. */
export async function queueSourceRun(deps: SourceDeps, id: number): Promise<QueuedSourceRun> {
  await requireSource(deps, id);
  const job = await deps.discoverQueue.add(JOB.discover, { sourceId: id, reason: 'manual' }, { jobId: jobIds.sourceRun(id, randomUUID()) });
  return { sourceId: id, jobId: job.id!, queue: QUEUE.discover };
}
