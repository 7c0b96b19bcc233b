import type { Queryable } from '../db/pool.ts';
import { listUncapturedTargets, type Target } from '../db/targets.ts';
import { listScheduledTargets, type ScheduledTarget } from '../db/target-schedules.ts';
import { listSuspectTargets } from '../db/target-states.ts';
import { jitterMs, parseDuration, repeatOptions } from '../target-model/schedule.ts';
import { CAPTURE_JOB_OPTIONS, type CaptureQueue, type TweetQueue, type WatchQueue } from './queues.ts';
import { isTargetScheduler, jobIds, schedulerIds, watchJobName } from './vocabulary.ts';

const PAGE = 1_000;
/**
 * Queue calls kept in flight at once. Each is one Lua script on the shared connection, so a hundred pending
 * pipeline on the socket (10,000 schedulers in about a second instead of one round trip each), while memory
 * and Redis's own latency for other clients stay bounded.
 */
const IN_FLIGHT = 100;
/** Jobs per MULTI when queueing many first captures. */
const BULK = 1_000;

export const schedulerId = schedulerIds.target;

/** The queues targets are watched through: pages on `capture`, tweets on `tweet`. */
export interface WatchQueues {
  captureQueue: CaptureQueue;
  tweetQueue: TweetQueue;
}

/** The queue a target of this kind is captured or probed through. */
export function queueFor(queues: WatchQueues, kind: Target['kind']): WatchQueue {
  return kind === 'tweet' ? queues.tweetQueue : queues.captureQueue;
}

export interface ReconcileResult {
  created: number;
  updated: number;
  removed: number;
  unchanged: number;
}

/**
 * Whether a target is captured on its schedule: an active one, and one awaiting its screening verdict — should its
 * screening capture fail (the site down, a firewall), the next scheduled capture screens it again rather than
 * leaving it waiting for ever. Paused and screened-out targets have no schedule.
 */
export function isScheduled(target: Pick<Target, 'state'>): boolean {
  return target.state === 'active' || target.state === 'screening';
}

/** Creates or updates the job scheduler of a scheduled target (isScheduled), or removes it for any other. */
export async function syncTargetSchedule(queue: WatchQueue, target: Omit<ScheduledTarget, 'kind'>): Promise<void> {
  if (!isScheduled(target)) {
    await queue.removeJobScheduler(schedulerId(target.id));
    return;
  }
  await queue.upsertJobScheduler(schedulerId(target.id), repeatOptions(target.schedule, target.id), {
    name: watchJobName(queue.name),
    data: { targetId: target.id, reason: 'schedule' },
    opts: CAPTURE_JOB_OPTIONS,
  });
}

/** First captures of new targets are spread over this long at most. */
const FIRST_CAPTURE_SPREAD_MS = 5 * 60_000;

/**
 * A new target's first capture. `spreadMs` is how long first captures are spread over: by default the target's
 * interval, at most FIRST_CAPTURE_SPREAD_MS; a source's new targets are spread over their whole interval, so
 * thousands of pages of one site found in one read do not all fall on its host at once; 0 means no delay.
 */
function firstCaptureJob(queue: WatchQueue, target: Target, spreadMs?: number) {
  const span = spreadMs ?? ('every' in target.schedule ? Math.min(parseDuration(target.schedule.every), FIRST_CAPTURE_SPREAD_MS) : FIRST_CAPTURE_SPREAD_MS);
  return {
    name: watchJobName(queue.name),
    data: { targetId: target.id, reason: 'first' as const },
    opts: { ...CAPTURE_JOB_OPTIONS, jobId: jobIds.firstCapture(target.id), delay: jitterMs(target.id, span) },
  };
}

/**
 * Queues a new target's first capture soon, rather than at its first scheduled slot (up to a whole interval
 * away), so it has a baseline to compare with; spread by a stable jitter so a large import does not fire at once.
 * A `spreadMs` of 0 queues it with no delay (see firstCaptureJob).
 */
export async function queueFirstCapture(queue: WatchQueue, target: Target, spreadMs?: number): Promise<void> {
  const job = firstCaptureJob(queue, target, spreadMs);
  await queue.add(job.name, job.data, job.opts);
}

/** Runs `fn` over `items` with at most IN_FLIGHT calls pending. */
async function inFlight<T>(items: T[], fn: (item: T) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < items.length; start += IN_FLIGHT) await Promise.all(items.slice(start, start + IN_FLIGHT).map(fn));
}

/**
 * What `addTarget` does after storing one target, for many at once (an import, a source's read): a scheduler
 * each active target and a first capture each, with the same ids, options and jitter, pipelined rather than one
 * round trip at a time. A target in screening is scheduled too: its first capture screens it, and should that
 * capture not show the page, the next one does.
 * `onDone` hears how many more targets are scheduled; `spreadMs` (see firstCaptureJob) spreads first captures.
 */
export async function scheduleNewTargets(queues: WatchQueues, targets: Target[], onDone?: (n: number) => void, spreadMs?: number): Promise<void> {
  for (const kind of ['page', 'tweet'] as const) {
    const queue = queueFor(queues, kind);
    const ofKind = targets.filter((t) => t.kind === kind);
    for (let start = 0; start < ofKind.length; start += BULK) {
      const slice = ofKind.slice(start, start + BULK);
      // Independent of each other: the schedulers and the first captures go to Redis together.
      await Promise.all([
        inFlight(slice, (t) => syncTargetSchedule(queue, t)),
        queue.addBulk(slice.map((t) => firstCaptureJob(queue, t, spreadMs))),
      ]);
      onDone?.(slice.length);
    }
  }
}

/**
 * Queues the capture that confirms or clears a suspected removal, sooner than the next scheduled run. One per
 * snapshot that raised the suspicion, so a retried job does not queue two.
 */
export async function queueRecheck(queue: WatchQueue, targetId: number, snapshotId: number, delayMs: number): Promise<void> {
  await queue.add(watchJobName(queue.name), { targetId, reason: 'recheck', suspectSnapshotId: snapshotId }, { ...CAPTURE_JOB_OPTIONS, jobId: jobIds.recheck(targetId, snapshotId), delay: delayMs });
}

/**
 * How long until a suspicion's confirming capture: SCRUBWATCH_CONFIRM_DELAY, or until the suspicion's minimum gap
 * has passed (`confirmableAt`, see StepResult) when that is later, since a capture before then cannot confirm it.
 */
export function recheckDelayMs(confirmDelayMs: number, confirmableAt: Date | null, now: number): number {
  return Math.max(confirmDelayMs, confirmableAt === null ? 0 : confirmableAt.getTime() - now);
}

/** When the recheck that snapshot `snapshotId` queued is due, or null when it queued none (or it is gone). */
export async function recheckDueAt(queue: WatchQueue, targetId: number, snapshotId: number): Promise<Date | null> {
  const job = await queue.getJob(jobIds.recheck(targetId, snapshotId));
  return job ? new Date(job.timestamp + (job.opts.delay ?? 0)) : null;
}

/** Removes a target's scheduler and its pending first capture. */
export async function removeTargetSchedule(queue: WatchQueue, targetId: number): Promise<void> {
  await queue.removeJobScheduler(schedulerId(targetId));
  await queue.remove(jobIds.firstCapture(targetId));
}

/** What reconciling reads of a scheduler: its interval and offset, or its cron pattern. */
export interface SchedulerTiming {
  every?: number | undefined;
  offset?: number | undefined;
  pattern?: string | undefined;
}

/** Every scheduler of `queue` whose id `keep` accepts, by id, read a page at a time. */
export async function listSchedulers(queue: { getJobSchedulers(start: number, end: number, asc: boolean): Promise<Array<{ key: string } & SchedulerTiming>> }, keep: (id: string) => boolean): Promise<Map<string, SchedulerTiming>> {
  const found = new Map<string, SchedulerTiming>();
  for (let start = 0; ; start += PAGE) {
    const page = await queue.getJobSchedulers(start, start + PAGE - 1, true);
    for (const s of page) if (keep(s.key)) found.set(s.key, s);
    if (page.length < PAGE) break;
  }
  return found;
}

/**
 * Makes the queue's schedulers match Postgres, the source of truth: every active target gets one, nothing else
 * keeps one. Schedulers that already match are left alone, so their next run time is not disturbed; after Redis
 * was flushed every one is created again.
 */
export async function reconcileSchedules(queue: WatchQueue, targets: Array<Omit<ScheduledTarget, 'kind'>>): Promise<ReconcileResult> {
  const existing = await listSchedulers(queue, isTargetScheduler);
  const result: ReconcileResult = { created: 0, updated: 0, removed: 0, unchanged: 0 };
  const wanted = new Set<string>();
  const stale: Array<Omit<ScheduledTarget, 'kind'>> = [];
  for (const target of targets) {
    if (!isScheduled(target)) continue;
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
    stale.push(target);
    if (have) result.updated += 1;
    else result.created += 1;
  }
  await inFlight(stale, (target) => syncTargetSchedule(queue, target));
  const orphans = [...existing.keys()].filter((id) => !wanted.has(id));
  await inFlight(orphans, (id) => queue.removeJobScheduler(id));
  result.removed = orphans.length;
  return result;
}

function sum(a: ReconcileResult, b: ReconcileResult): ReconcileResult {
  return { created: a.created + b.created, updated: a.updated + b.updated, removed: a.removed + b.removed, unchanged: a.unchanged + b.unchanged };
}

/**
 * Makes the capture and tweet schedulers match every target in Postgres. Reads only the scheduled targets, and
 * only what a scheduler is made of: every other target's scheduler is removed all the same, as not wanted.
 */
export async function reconcileTargetSchedules(db: Queryable, queues: WatchQueues): Promise<ReconcileResult> {
  const targets = await listScheduledTargets(db);
  return sum(
    await reconcileSchedules(queues.captureQueue, targets.filter((t) => t.kind === 'page')),
    await reconcileSchedules(queues.tweetQueue, targets.filter((t) => t.kind === 'tweet')),
  );
}

/** What resumePendingCaptures queued (again): most of it is usually already queued, and then adds nothing. */
export interface ResumedCaptures {
  firstCaptures: number;
  rechecks: number;
}

/**
 * Queues what Postgres says is owed besides the schedules: the confirming recheck of every target suspected
 * removed and, unless `firstCaptures` is false, the first capture of every active target that has none yet. Both
 * keep their usual job ids, so a job still queued is not queued twice; after Redis lost its data, or after an
 * import, this is what brings a suspected removal to its confirmation now rather than at the target's next slot.
 */
export async function resumePendingCaptures(db: Queryable, queues: WatchQueues, confirmDelayMs: number, options: { firstCaptures?: boolean } = {}): Promise<ResumedCaptures> {
  const uncaptured = options.firstCaptures === false ? [] : await listUncapturedTargets(db);
  for (const kind of ['page', 'tweet'] as const) {
    const ofKind = uncaptured.filter((t) => t.kind === kind);
    const queue = queueFor(queues, kind);
    for (let start = 0; start < ofKind.length; start += BULK) await queue.addBulk(ofKind.slice(start, start + BULK).map((t) => firstCaptureJob(queue, t)));
  }
  const suspects = await listSuspectTargets(db);
  await inFlight(suspects, (s) => queueRecheck(queueFor(queues, s.kind), s.targetId, s.lastSnapshotId, confirmDelayMs));
  return { firstCaptures: uncaptured.length, rechecks: suspects.length };
}

/**
 * Queues the screening capture of a screened page an `--only-matching` source shows changed (`stamp`: its new
 * lastmod or archive timestamp, digits only): one per change, however often the source is read.
 */
export async function queueScreenCapture(queue: WatchQueue, targetId: number, stamp: string): Promise<void> {
  await queue.add(watchJobName(queue.name), { targetId, reason: 'screen' }, { ...CAPTURE_JOB_OPTIONS, jobId: jobIds.screen(targetId, stamp) });
}
