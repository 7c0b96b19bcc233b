import type { Config } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import { DuplicateTargetError, NotFoundError } from '../errors/index.ts';
import { assertUrlAllowed } from '../capture/url-policy.ts';
import { deleteTarget, findTargetByUrl, insertTarget, requireTarget, setTargetPaused, type Target } from '../db/targets.ts';
import { queueFirstCapture, queueFor, removeTargetSchedule, syncTargetSchedule, type WatchQueues } from '../queue/schedules.ts';
import { parseNewTarget, type NewTargetInput } from './target-input.ts';

/** What managing targets needs: the store, the queue that schedules them, and the policy. */
export interface TargetDeps extends WatchQueues {
  pool: Pool;
  config: Config;
}

/**
 * Validates and stores a new target, schedules it, and queues its first capture. Postgres is written first: should the queue be
 * unreachable, the next worker start reconciles the schedule from the stored target. A target added `paused` is
 * never put on the queue: nothing captures it until it is resumed or checked.
 */
export async function addTarget(deps: TargetDeps, input: NewTargetInput, options: { paused?: boolean } = {}): Promise<Target> {
  const spec = parseNewTarget(input, deps.config.defaultEvery);
  await assertUrlAllowed(spec.url, deps.config);
  const target = await insertTarget(deps.pool, spec, options);
  if (!target) {
    const existing = await findTargetByUrl(deps.pool, spec.url);
    throw new DuplicateTargetError(spec.url, existing?.id ?? 0);
  }
  if (target.state === 'paused') return target;
  await syncTargetSchedule(queueFor(deps, target.kind), target);
  await queueFirstCapture(queueFor(deps, target.kind), target);
  return target;
}

/** Pauses (no scheduled captures) or resumes a target, and updates its schedule to match. */
export async function setPaused(deps: TargetDeps, id: number, paused: boolean): Promise<Target> {
  const target = await setTargetPaused(deps.pool, id, paused);
  if (!target) throw new NotFoundError('target', id);
  await syncTargetSchedule(queueFor(deps, target.kind), target);
  return target;
}

/** Removes a target, its schedule, and its snapshots, changes and alerts (blobs may be shared, so they stay). */
export async function removeTarget(deps: TargetDeps, id: number): Promise<Target> {
  const target = await requireTarget(deps.pool, id);
  await removeTargetSchedule(queueFor(deps, target.kind), id);
  await deleteTarget(deps.pool, id);
  return target;
}
