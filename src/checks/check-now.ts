import { randomUUID } from 'node:crypto';
import type { Context } from '../context.ts';
import { AppError } from '../errors.ts';
import { getSnapshot, type Snapshot } from '../db/snapshots.ts';
import { getChangeForSnapshot, type Change } from '../db/changes.ts';
import { listAlerts, type Alert } from '../db/alerts.ts';
import { createCaptureEvents } from '../queue/queues.ts';
import { runCapture } from '../../jobs/capture-target.ts';

/** The answer of `check`: the new snapshot, how it differs from the last, and what was raised. */
export interface CheckResult {
  targetId: number;
  snapshot: Snapshot;
  change: Change | null;
  alerts: Alert[];
}

export class NoWorkerError extends AppError {
  constructor(prefix: string) {
    super('no_worker', `no worker is taking jobs on queue prefix "${prefix}": start one with \`scrubwatch worker\`, or run this check with --inline`);
  }
}

export class CheckFailedError extends AppError {
  constructor(targetId: number, reason: string) {
    super('check_failed', `check of target ${targetId} failed: ${reason}`);
  }
}

async function loadResult(ctx: Context, targetId: number, snapshotId: number): Promise<CheckResult> {
  const snapshot = await getSnapshot(ctx.pool, snapshotId);
  if (!snapshot) throw new CheckFailedError(targetId, `snapshot ${snapshotId} was not found after the capture`);
  return {
    targetId,
    snapshot,
    change: await getChangeForSnapshot(ctx.pool, snapshotId),
    alerts: (await listAlerts(ctx.pool, { snapshotId })).reverse(),
  };
}

/** Captures targets in this process, one after another (`check --inline`): no worker needed. */
export async function checkInline(ctx: Context, targetIds: number[], onDone: () => void): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const targetId of targetIds) {
    const saved = await runCapture(ctx, targetId, `inline-${randomUUID()}`);
    results.push({ targetId, snapshot: saved.snapshot, change: saved.change, alerts: saved.alerts });
    onDone();
  }
  return results;
}

/**
 * Queues a capture of each target and waits for all of them, through the same workers the schedules use.
 * Fails at once when no worker listens, instead of waiting for nothing.
 */
export async function checkThroughQueue(ctx: Context, targetIds: number[], waitMs: number, onDone: () => void): Promise<CheckResult[]> {
  if ((await ctx.captureQueue.getWorkersCount()) === 0) throw new NoWorkerError(ctx.config.queuePrefix);
  const events = createCaptureEvents(ctx.config, ctx.redis);
  try {
    await events.waitUntilReady();
    const jobs = await ctx.captureQueue.addBulk(
      targetIds.map((targetId) => ({ name: 'capture', data: { targetId, reason: 'manual' as const }, opts: { jobId: `check-${targetId}-${randomUUID()}` } })),
    );
    return await Promise.all(
      jobs.map(async (job) => {
        const targetId = job.data.targetId;
        try {
          const result = await job.waitUntilFinished(events, waitMs);
          onDone();
          return await loadResult(ctx, targetId, result.snapshotId);
        } catch (err) {
          if (err instanceof AppError) throw err;
          throw new CheckFailedError(targetId, (err as Error).message);
        }
      }),
    );
  } finally {
    await events.close();
  }
}
