import type { Context } from '../context.ts';
import { getTarget, type Target } from '../db/targets.ts';
import { staleCapture } from '../queue/stale-captures.ts';
import type { WatchJobData, WatchJobResult } from '../queue/queues.ts';
import type { SavedCapture } from './save-capture.ts';

/** What a watch job returns (kept by BullMQ, read by `check`): the snapshot saved, its change, its alerts. */
export function jobResultOf(saved: SavedCapture): WatchJobResult {
  return { snapshotId: saved.snapshot.id, changeId: saved.change?.id ?? null, alertIds: saved.alerts.map((a) => a.id) };
}

/**
 * The result of a job that captures nothing because it outlived its purpose (src/queue/stale-captures.ts), logged
 * with why; null when it should capture. Pages and tweets alike: their jobs carry the same data.
 */
async function skipStale(ctx: Context, jobId: string, target: Target, data: WatchJobData): Promise<WatchJobResult | null> {
  const stale = await staleCapture(ctx.pool, target, data);
  if (!stale) return null;
  ctx.logger.info({ jobId, targetId: target.id, reason: data.reason, skipped: stale.skipped, why: stale.why }, 'capture skipped');
  return { snapshotId: 0, changeId: null, alertIds: [], skipped: stale.skipped };
}

/**
 * The target a watch job names, loaded once for the whole job, and the result to return at once when the job
 * outlived its purpose; null when the target was deleted since the job was queued.
 */
export async function openWatchJob(ctx: Context, jobId: string, data: WatchJobData): Promise<{ target: Target; skipped: WatchJobResult | null } | null> {
  const target = await getTarget(ctx.pool, data.targetId);
  return target ? { target, skipped: await skipStale(ctx, jobId, target, data) } : null;
}
