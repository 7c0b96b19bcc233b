import type { Job, JobsOptions, Queue } from 'bullmq';
import type { Config } from '../config.ts';
import { createQueue, NOTIFY_QUEUE, type QueueBackend } from './queues.ts';

/**
 * Jobs of the `notify` queue: one delivery of one alert to one subscription, a subscription's digest, the outbox
 * reconciler, the Wayback lookup of a removal, and a Save Page Now request.
 */
export type NotifyJobData =
  | { kind: 'deliver'; deliveryId: number }
  | { kind: 'digest'; subscriptionId: number }
  | { kind: 'reconcile' }
  | { kind: 'wayback'; alertId: number }
  | { kind: 'archive'; targetId: number; snapshotId: number; url: string };

/** What a notify job did, for logs and `getJob().returnvalue`. */
export interface NotifyJobResult {
  outcome: 'delivered' | 'skipped' | 'nothing' | 'reconciled' | 'enriched' | 'requested';
  deliveryIds?: number[];
  count?: number;
}

export type NotifyQueue = Queue<NotifyJobData, NotifyJobResult, string>;

/** The kinds of notify jobs; each job's name is its kind. */
export type NotifyJobKind = NotifyJobData['kind'];

/** A notify job of one kind, as its own processor (jobs/notify-<kind>.ts) receives it. */
export type NotifyJob<K extends NotifyJobKind> = Job<Extract<NotifyJobData, { kind: K }>, NotifyJobResult, string>;

/** Whether this run is the job's last attempt: a delivery failing now goes to the dead letter. */
export function isLastAttempt(job: Pick<Job, 'attemptsMade' | 'opts'>): boolean {
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

/**
 * Attempts of a delivery: retries back off exponentially from `retryDelayMs`, doubling, for as long as their delays
 * add up to at most `maxBackoffMs` (30 s and 24 h give 12 attempts, the last about 17 h after the first).
 */
export function deliveryAttempts(retryDelayMs: number, maxBackoffMs: number): number {
  let retries = 0;
  while (retryDelayMs * (2 ** (retries + 1) - 1) <= maxBackoffMs && retries < 30) retries++;
  return retries + 1;
}

/** Options of delivery jobs (deliver, digest): retried with backoff until the dead letter. */
export function deliveryJobOptions(config: Config): JobsOptions {
  return {
    attempts: deliveryAttempts(config.notifyRetryDelayMs, config.notifyMaxBackoffMs),
    backoff: { type: 'exponential', delay: config.notifyRetryDelayMs },
    // Kept a while so a re-enqueue with the same id stays a no-op; the outbox row is the record either way.
    removeOnComplete: { age: 7 * 24 * 3600 },
    removeOnFail: { age: 30 * 24 * 3600 },
  };
}

/** Options of best-effort jobs (reconcile, Wayback, Save Page Now): a few quick tries, then dropped. */
export const BEST_EFFORT_JOB_OPTIONS: JobsOptions = {
  attempts: 3,
  backoff: { type: 'exponential', delay: 5_000 },
  removeOnComplete: { age: 24 * 3600, count: 1_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
};

export function createNotifyQueue(config: Config, backend: QueueBackend): NotifyQueue {
  return createQueue<NotifyJobData, NotifyJobResult>(NOTIFY_QUEUE, config, backend, deliveryJobOptions(config));
}
