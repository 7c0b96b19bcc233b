import type { Queryable } from '../db/pool.ts';
import type { Target } from '../db/targets.ts';
import { getSnapshot, hasCaptureStartedAfter, hasOwnCapture } from '../db/snapshots.ts';
import { getWatchState } from '../db/target-states.ts';
import type { WatchJobData, WatchJobResult } from './queues.ts';

/** Why a queued capture captures nothing: its code (the job's `skipped`) and, for the log, in words. */
export interface StaleCapture {
  skipped: NonNullable<WatchJobResult['skipped']>;
  why: string;
}

/**
 * Whether a capture job has outlived its purpose, decided when it runs rather than when it was queued: a first
 * capture of a target captured since (a `check` came first) would otherwise count as one more sighting, and
 * a recheck of a suspicion already settled would confirm it without the confirmation wait. Someone asking
 * (`manual`) always captures; a schedule captures unless the target is paused or screened out.
 */
export async function staleCapture(db: Queryable, target: Target, data: WatchJobData): Promise<StaleCapture | null> {
  if (target.state === 'paused' && data.reason !== 'manual') return { skipped: 'paused', why: 'the target is paused' };
  // A screened page is kept, not watched: only the source showing it changed (`screen`) or someone asking captures it.
  if (target.state === 'screened' && data.reason !== 'screen' && data.reason !== 'manual') {
    return { skipped: 'screened', why: 'the target was screened out: it named none of its source\'s phrases' };
  }
  if (data.reason === 'first' && (await hasOwnCapture(db, target.id))) {
    return { skipped: 'already_captured', why: 'the target was captured since its first capture was queued' };
  }
  if (data.reason !== 'recheck') return null;
  const state = await getWatchState(db, target.id);
  if (state?.lifecycle !== 'suspect') return { skipped: 'settled', why: `no removal is suspected any more (the target is ${state?.lifecycle ?? 'not captured'})` };
  if (data.suspectSnapshotId === undefined) return null;
  const suspecting = await getSnapshot(db, data.suspectSnapshotId);
  if (suspecting && (await hasCaptureStartedAfter(db, target.id, new Date(suspecting.startedAt)))) {
    return { skipped: 'settled', why: `the target was captured again after snapshot ${suspecting.id}, which queued this recheck` };
  }
  return null;
}
