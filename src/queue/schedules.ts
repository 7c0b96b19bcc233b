import type { Target } from '../db/targets.ts';
import { jitterMs, parseDuration, repeatOptions } from '../targets/schedule.ts';
import { CAPTURE_JOB_OPTIONS, type CaptureQueue } from './queues.ts';

const SCHEDULER_PREFIX = 'target:';
const PAGE = 1_000;

export function schedulerId(targetId: number): string {
  return `${SCHEDULER_PREFIX}${targetId}`;
}

/** The queues targets are watched through: pages on `capture`, tweets on `tweet`. */
export interface WatchQueues {
  captureQueue: CaptureQueue;
  tweetQueue: CaptureQueue;
}

/** The queue a target of this kind is captured or probed through. */
export function queueFor(queues: WatchQueues, kind: Target['kind']): CaptureQueue {
  return kind === 'tweet' ? queues.tweetQueue : queues.captureQueue;
}

export interface ReconcileResult {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/** Creates or updates the job scheduler of an active target, or removes it for a paused one. */
export async function syncTargetSchedule(queue: CaptureQueue, target: Target): Promise<void> {
  if (target.state !== 'active') {
    await queue.removeJobScheduler(schedulerId(target.id));
    return;
  }
  await queue.upsertJobScheduler(schedulerId(target.id), repeatOptions(target.schedule, target.id), {
    name: 'capture',
    data: { targetId: target.id, reason: 'schedule' },
    opts: CAPTURE_JOB_OPTIONS,
  });
}

// BullMQ refuses custom job ids with a colon, so these use dashes.
function firstCaptureJobId(targetId: number): string {
  return `first-${targetId}`;
}

/** First captures of new targets are spread over this long at most. */
const FIRST_CAPTURE_SPREAD_MS = 5 * 60_000;

/**
 * Queues a new target's first capture soon, rather than at its first scheduled slot (up to a whole interval
 * away), so it has a baseline to compare with; spread by a stable jitter so a large import does not fire at once.
 */
export async function queueFirstCapture(queue: CaptureQueue, target: Target): Promise<void> {
  const span = 'every' in target.schedule ? Math.min(parseDuration(target.schedule.every), FIRST_CAPTURE_SPREAD_MS) : FIRST_CAPTURE_SPREAD_MS;
  await queue.add(
    'capture',
    { targetId: target.id, reason: 'schedule' },
    { ...CAPTURE_JOB_OPTIONS, jobId: firstCaptureJobId(target.id), delay: jitterMs(target.id, span) },
  );
}

/**
 * Queues the capture that confirms or clears a suspected removal, sooner than the next scheduled run. One per
 * snapshot that raised the suspicion, so a retried job does not queue two.
 */
export async function queueRecheck(queue: CaptureQueue, targetId: number, snapshotId: number, delayMs: number): Promise<void> {
  await queue.add('capture', { targetId, reason: 'recheck' }, { ...CAPTURE_JOB_OPTIONS, jobId: `recheck-${targetId}-${snapshotId}`, delay: delayMs });
}

/** Removes a target's scheduler and its pending first capture. */
export async function removeTargetSchedule(queue: CaptureQueue, targetId: number): Promise<void> {
  await queue.removeJobScheduler(schedulerId(targetId));
  await queue.remove(firstCaptureJobId(targetId));
}

/**
 * Makes the queue's schedulers match Postgres, the source of truth: every active target gets one, nothing else
 * keeps one. Schedulers that already match are left alone, so their next run time is not disturbed; after Redis
 * was flushed every one is created again.
 */
export async function reconcileSchedules(queue: CaptureQueue, targets: Target[]): Promise<ReconcileResult> {
  const existing = new Map<string, { every?: number | undefined; offset?: number | undefined; pattern?: string | undefined }>();
  for (let start = 0; ; start += PAGE) {
    const page = await queue.getJobSchedulers(start, start + PAGE - 1, true);
    for (const s of page) if (s.key.startsWith(SCHEDULER_PREFIX)) existing.set(s.key, s);
    if (page.length < PAGE) break;
  }
  const result: ReconcileResult = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  const wanted = new Set<string>();
  for (const target of targets) {
    if (target.state !== 'active') continue;
    const id = schedulerId(target.id);
    wanted.add(id);
    const have = existing.get(id);
    const want = repeatOptions(target.schedule, target.id);
    const same =
      have !== undefined &&
      ('pattern' in want
        ? have.pattern === want.pattern
        : have.every === want.every && (have.offset ?? 0) === (want.offset || 0));
    if (same) {
      result.unchanged += 1;
      continue;
    }
    await syncTargetSchedule(queue, target);
    if (have) result.updated += 1;
    else result.created += 1;
  }
  for (const id of existing.keys()) {
    if (wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    result.removed += 1;
  }
  return result;
}
