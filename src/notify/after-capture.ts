import type { Target } from '../db/targets.ts';
import type { SavedCapture } from '../store/save-capture.ts';
import { describeError } from '../errors/index.ts';
import { archiveJobId, BEST_EFFORT_JOB_OPTIONS } from '../queue/notify-jobs.ts';
import { enqueueDeliveries, type OutboxDeps } from './outbox.ts';

/** Whether a capture should be copied to the Wayback Machine: the target asks for it, and the page is new or changed. */
export function wantsArchive(target: Target, saved: SavedCapture): boolean {
  if (!target.options.archive || saved.replayed) return false;
  if (saved.snapshot.outcome !== null && saved.snapshot.outcome.kind !== 'ok') return false;
  return saved.change === null || !saved.change.unchanged;
}

/**
 * What follows a committed capture outside its transaction: its alerts' deliveries are queued, and a Save Page
 * Now request when the target asks for public copies. Never throws: neither may fail or hold up a capture.
 */
export async function afterCaptureSaved(deps: OutboxDeps, target: Target, saved: SavedCapture): Promise<void> {
  await enqueueDeliveries(deps, saved.alerts);
  if (!wantsArchive(target, saved)) return;
  try {
    await deps.notifyQueue.add(
      'archive',
      { kind: 'archive', targetId: target.id, snapshotId: saved.snapshot.id, url: saved.snapshot.finalUrl },
      { ...BEST_EFFORT_JOB_OPTIONS, attempts: 1, jobId: archiveJobId(target.id, saved.snapshot.id) },
    );
  } catch (err) {
    deps.logger.warn({ targetId: target.id, err: describeError(err) }, 'save page now request not queued');
  }
}
