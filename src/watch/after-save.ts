import type { Context } from '../context.ts';
import type { Target } from '../db/targets.ts';
import { describeError } from '../errors/index.ts';
import { BEST_EFFORT_JOB_OPTIONS } from '../queue/notify-jobs.ts';
import { queueFor, queueRecheck, recheckDelayMs } from '../queue/schedules.ts';
import { JOB, jobIds } from '../queue/vocabulary.ts';
import { enqueueDeliveries } from '../notify/outbox.ts';
import type { SavedCapture } from './save-capture.ts';

/** Whether a capture should be copied to the Wayback Machine: the target asks for it, and the page is new or changed. */
export function wantsArchive(target: Target, saved: SavedCapture): boolean {
  // A tweet's snapshot is a source's answer about it (oEmbed, an embed's state), not a page to copy.
  if (target.kind === 'tweet' || !target.options.archive || saved.replayed) return false;
  if (saved.snapshot.outcome !== null && saved.snapshot.outcome.kind !== 'ok') return false;
  return saved.change === null || !saved.change.unchanged;
}

/**
 * What follows a committed capture, a page's or a tweet's alike, outside its transaction: a suspected removal's
 * confirming capture is queued on the target's queue (due once the confirmation delay and the suspicion's minimum
 * gap have passed), the alerts' deliveries are queued, and a Save Page Now request when the target asks for public
 * copies. Past the recheck it never throws: neither may fail or hold up a capture.
 */
export async function afterSave(ctx: Context, target: Target, saved: SavedCapture): Promise<void> {
  // A paused target's recheck would be skipped: a check of it (or the demo's captures) queues none.
  if (saved.recheck && target.state === 'active') {
    await queueRecheck(queueFor(ctx, target.kind), target.id, saved.snapshot.id, recheckDelayMs(ctx.config.confirmDelayMs, saved.confirmableAt, Date.now()));
  }
  // The outbox reconciler covers a crash right here.
  await enqueueDeliveries(ctx, saved.alerts);
  if (!wantsArchive(target, saved)) return;
  try {
    await ctx.notifyQueue.add(
      JOB.archive,
      { kind: JOB.archive, targetId: target.id, snapshotId: saved.snapshot.id, url: saved.snapshot.finalUrl },
      { ...BEST_EFFORT_JOB_OPTIONS, attempts: 1, jobId: jobIds.archive(target.id, saved.snapshot.id) },
    );
  } catch (err) {
    ctx.logger.warn({ targetId: target.id, err: describeError(err) }, 'save page now request not queued');
  }
}
