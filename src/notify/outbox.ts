import type { Logger } from 'pino';
import type { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import type { Alert } from '../db/alerts.ts';
import { listPendingForAlerts, listUnfinished, markFailed, type Delivery } from '../db/deliveries.ts';
import { listSubscriptions, type Subscription } from '../db/subscriptions.ts';
import { describeError } from '../errors/index.ts';
import { BEST_EFFORT_JOB_OPTIONS, deliveryJobOptions, type NotifyQueue } from '../queue/notify-jobs.ts';
import { JOB, jobIds, schedulerIds } from '../queue/vocabulary.ts';
import { REMOVAL_KINDS } from './enrich-alert.ts';
import { scheduleDigest } from './digest-schedule.ts';

/** What enqueueing needs: the processes that raise alerts (workers, `check --inline`) all have these. */
export interface OutboxDeps {
  config: Config;
  pool: Pool;
  redis: Redis | null;
  logger: Logger;
  notifyQueue: NotifyQueue;
}

function deliverJob(config: Config, d: Delivery) {
  return { name: JOB.deliver, data: { kind: JOB.deliver, deliveryId: d.id }, opts: { ...deliveryJobOptions(config), jobId: jobIds.deliver(d.alertId, d.subscriptionId) } };
}

/**
 * Queues the immediate deliveries of alerts just committed (and a Wayback lookup for each removal, so feeds get
 * the link too). Call it after the transaction that raised them commits. It never throws: a delivery that could not
 * be queued stays `pending` in the outbox and the reconciler queues it within a minute.
 */
export async function enqueueDeliveries(deps: OutboxDeps, alerts: Alert[]): Promise<number> {
  if (alerts.length === 0) return 0;
  const queue = deps.notifyQueue;
  try {
    const pending = await listPendingForAlerts(deps.pool, alerts.map((a) => a.id));
    await queue.addBulk([
      ...pending.map((d) => deliverJob(deps.config, d)),
      ...alerts
        .filter((a) => REMOVAL_KINDS.has(a.kind))
        .map((a) => ({ name: JOB.wayback, data: { kind: JOB.wayback, alertId: a.id }, opts: { ...BEST_EFFORT_JOB_OPTIONS, jobId: jobIds.wayback(a.id) } })),
    ]);
    return pending.length;
  } catch (err) {
    deps.logger.warn({ alertIds: alerts.map((a) => a.id), err: describeError(err) }, 'deliveries not queued; the reconciler will');
    return 0;
  }
}

/**
 * Queues every immediate delivery left unfinished (the process that raised it died before queueing, Redis lost
 * it, its worker died mid-send), and dead-letters those whose job BullMQ already gave up on (stalled too often).
 * Re-queueing is harmless: the job id is deterministic, and a delivered delivery is never sent again.
 */
export async function reconcileOutbox(pool: Pool, queue: NotifyQueue, config: Config, minAgeMs: number): Promise<{ queued: number; deadLettered: number }> {
  const unfinished = await listUnfinished(pool, minAgeMs);
  let deadLettered = 0;
  const toQueue: Delivery[] = [];
  for (const d of unfinished) {
    const job = await queue.getJob(jobIds.deliver(d.alertId, d.subscriptionId));
    if (job && (await job.getState()) === 'failed') {
      await markFailed(pool, [d.id], job.failedReason || 'the delivery job failed', d.responseCode, true);
      deadLettered++;
    } else if (!job) {
      toQueue.push(d);
    }
  }
  if (toQueue.length) await queue.addBulk(toQueue.map((d) => deliverJob(config, d)));
  return { queued: toQueue.length, deadLettered };
}

/** One job scheduler per active digest subscription (`digest-<id>`), and none for any other. */
export async function reconcileDigests(pool: Pool, queue: NotifyQueue, config: Config): Promise<{ scheduled: number; removed: number }> {
  const wanted = new Map<string, Subscription>();
  for (const s of await listSubscriptions(pool)) {
    if (s.active && s.digestEvery) wanted.set(schedulerIds.digest(s.id), s);
  }
  let removed = 0;
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    if (existing.key.startsWith('digest-') && !wanted.has(existing.key)) {
      await queue.removeJobScheduler(existing.key);
      removed++;
    }
  }
  for (const s of wanted.values()) await scheduleDigest(queue, config, s);
  return { scheduled: wanted.size, removed };
}
