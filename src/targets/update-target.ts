import { z } from 'zod';
import { InvalidInputError, NotFoundError } from '../errors/index.ts';
import { parseInput } from '../invalid-input.ts';
import { operatorText } from '../operator-text.ts';
import { requireTarget, updateTargetSettings, type Target } from '../db/targets.ts';
import { queueFor, syncTargetSchedule } from '../queue/schedules.ts';
import { validateSchedule, type Schedule } from '../target-model/schedule.ts';
import { setPaused, type TargetDeps } from './manage-targets.ts';
import { tagsSchema, targetOptionsSchema } from './target-input.ts';

/**
 * What an operator may change of a target: every field is optional and only the ones given change. `options` is
 * merged key by key into the stored options; `name: null` clears the name; `paused` pauses or resumes.
 */
export const targetPatchSchema = z.strictObject({
  name: operatorText(z.string().trim().min(1).max(300)).nullable().optional(),
  tags: tagsSchema.optional(),
  every: z.string().optional(),
  cron: z.string().optional(),
  fetcher: z.enum(['browser', 'http']).optional(),
  options: targetOptionsSchema.partial().strict().optional(),
  paused: z.boolean().optional(),
});
export type TargetPatch = z.input<typeof targetPatchSchema>;

/**
 * Changes a target's name, tags, schedule, fetcher, options or paused state, then makes its job scheduler match.
 * Throws InvalidInputError naming the field, NotFoundError for an unknown id.
 */
export async function updateTarget(deps: TargetDeps, id: number, patch: TargetPatch): Promise<Target> {
  const v = parseInput(targetPatchSchema, patch);
  if (v.every !== undefined && v.cron !== undefined) throw new InvalidInputError('schedule', 'give either every or cron, not both');
  const target = await requireTarget(deps.pool, id);
  // The raw patch, not the parsed one: parsing a partial fills in defaults that would overwrite stored options.
  const options = parseInput(targetOptionsSchema, { ...target.options, ...patch.options }, ['options']);
  const schedule: Schedule =
    v.cron !== undefined ? validateSchedule({ cron: v.cron }) : v.every !== undefined ? validateSchedule({ every: v.every }) : target.schedule;
  const updated = await updateTargetSettings(deps.pool, id, {
    name: v.name === undefined ? target.name : v.name,
    tags: v.tags ? [...new Set(v.tags)] : target.tags,
    schedule,
    fetcher: v.fetcher ?? target.fetcher,
    options,
  });
  if (!updated) throw new NotFoundError('target', id);
  if (v.paused !== undefined) return setPaused(deps, id, v.paused);
  await syncTargetSchedule(queueFor(deps, updated.kind), updated);
  return updated;
}
