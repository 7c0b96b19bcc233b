import { randomUUID } from 'node:crypto';
import type { Context } from '../context.ts';
import { AppError, CheckFailedError, NoWorkerError } from '../errors/index.ts';
import { getSnapshot, type Snapshot } from '../db/snapshots.ts';
import { getChangeForSnapshot, type Change } from '../db/changes.ts';
import { listAlerts, type Alert } from '../db/alerts.ts';
import { CAPTURE_QUEUE, createQueueEvents, TWEET_QUEUE, type WatchJobResult, type WatchQueue } from '../queue/queues.ts';
import { jobIds, watchJobName } from '../queue/vocabulary.ts';
import { JobWaiter } from '../queue/job-waiter.ts';
import { getTarget, type Target, type ReportedLifecycle } from '../db/targets.ts';
import { queueFor, recheckDueAt } from '../queue/schedules.ts';
import { runTweetProbe } from '../watch/probe-tweet.ts';
import { runCapture } from '../watch/capture-target.ts';

/** The answer of `check`: the new snapshot, how it differs from the last, what was raised, and where it leaves the target. */
export interface CheckResult {
  targetId: number;
  snapshot: Snapshot;
  change: Change | null;
  alerts: Alert[];
  /** The target's lifecycle after this capture (`suspect`: a removal is suspected, not yet confirmed). */
  lifecycle: ReportedLifecycle;
  /** When a removal is suspected: when the capture that confirms or clears it is due (ISO), null if none is queued. */
  recheckAt: string | null;
}

type Checked = Pick<Target, 'id' | 'kind'>;

async function loadResult(ctx: Context, target: Checked, snapshotId: number): Promise<CheckResult> {
  const snapshot = await getSnapshot(ctx.pool, snapshotId);
  if (!snapshot) throw new CheckFailedError(target.id, `snapshot ${snapshotId} was not found after the capture`);
  const lifecycle = (await getTarget(ctx.pool, target.id))?.lifecycle ?? 'live';
  const recheckAt = lifecycle === 'suspect' ? await recheckDueAt(queueFor(ctx, target.kind), target.id, snapshotId) : null;
  return {
    targetId: target.id,
    snapshot,
    change: await getChangeForSnapshot(ctx.pool, snapshotId),
    alerts: (await listAlerts(ctx.pool, { snapshotId })).reverse(),
    lifecycle,
    recheckAt: recheckAt?.toISOString() ?? null,
  };
}

/** Hears each target's result as soon as it is known (`check` prints it then, not all at the end). */
export type OnChecked = (result: CheckResult) => void;

/** Captures (pages) or probes (tweets) targets in this process, one after another (`check --inline`). */
export async function checkInline(ctx: Context, targets: Checked[], onDone: OnChecked): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const target of targets) {
    const jobId = jobIds.inline(randomUUID());
    const saved = target.kind === 'tweet' ? await runTweetProbe(ctx, target.id, jobId, { finalAttempt: true }) : await runCapture(ctx, target.id, jobId);
    const result = await loadResult(ctx, target, saved.snapshot.id);
    results.push(result);
    onDone(result);
  }
  return results;
}

/** Queues one job per target on `queue` and waits for each, loading what it saved. */
async function runOnQueue(ctx: Context, queue: WatchQueue, name: string, targets: Checked[], waitMs: number, onDone: OnChecked): Promise<CheckResult[]> {
  if (targets.length === 0) return [];
  // A process that runs the workers waits for its own. BullMQ lists workers by their Postgres session names, and
  // the embedded database has one session for every client: there, a process attached to the running scrubwatch
  // process trusts it to run the workers.
  const trusted = ctx.runsWorkers || ctx.embeddedAccess === 'attached';
  if (!trusted && (await queue.getWorkersCount()) === 0) throw new NoWorkerError(ctx.config.queuePrefix);
  const events = createQueueEvents(name, ctx.config, ctx.queueBackend);
  let waiter: JobWaiter<WatchJobResult> | null = null;
  try {
    await events.waitUntilReady();
    waiter = new JobWaiter<WatchJobResult>(queue, events);
    const jobs = await queue.addBulk(
      targets.map((t) => ({ name: watchJobName(name), data: { targetId: t.id, reason: 'manual' as const }, opts: { jobId: jobIds.manualCheck(t.id, randomUUID()) } })),
    );
    const waits = jobs.map((job, i) => ({ target: targets[i]!, done: waiter!.wait(job.id!, waitMs) }));
    return await Promise.all(
      waits.map(async ({ target, done }) => {
        try {
          const job = await done;
          // A check is never stale (src/queue/stale-captures.ts); should one be skipped, say so rather than load nothing.
          if (job.skipped) throw new CheckFailedError(target.id, `the capture was skipped (${job.skipped})`);
          const result = await loadResult(ctx, target, job.snapshotId);
          onDone(result);
          return result;
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new CheckFailedError(target.id, (err as Error).message);
        }
      }),
    );
  } finally {
    waiter?.close();
    await events.close();
  }
}

/**
 * Queues a capture (or tweet probe) of each target and waits for all of them, through the same workers the
 * schedules use. Fails at once when no worker listens, instead of waiting for nothing.
 */
export async function checkThroughQueue(ctx: Context, targets: Checked[], waitMs: number, onDone: OnChecked): Promise<CheckResult[]> {
  const [pages, tweets] = await Promise.all([
    runOnQueue(ctx, ctx.captureQueue, CAPTURE_QUEUE, targets.filter((t) => t.kind !== 'tweet'), waitMs, onDone),
    runOnQueue(ctx, ctx.tweetQueue, TWEET_QUEUE, targets.filter((t) => t.kind === 'tweet'), waitMs, onDone),
  ]);
  const byId = new Map([...pages, ...tweets].map((r) => [r.targetId, r]));
  return targets.map((t) => byId.get(t.id)!);
}

/** A capture queued by `queueCheck`: the job to look for, and the queue it is on. */
export interface QueuedCheck {
  targetId: number;
  jobId: string;
  queue: typeof CAPTURE_QUEUE | typeof TWEET_QUEUE;
}

/**
 * Queues a capture (or tweet probe) of one target now, through the same workers the schedules use, and returns
 * at once: the API answers 202 with the job id rather than holding a request open for a capture.
 */
export async function queueCheck(ctx: Context, target: Checked): Promise<QueuedCheck> {
  const queue = queueFor(ctx, target.kind);
  const job = await queue.add(watchJobName(queue.name), { targetId: target.id, reason: 'manual' }, { jobId: jobIds.manualCheck(target.id, randomUUID()) });
  return { targetId: target.id, jobId: job.id ?? '', queue: target.kind === 'tweet' ? TWEET_QUEUE : CAPTURE_QUEUE };
}
