import { Queue, QueueEvents, Worker, type ConnectionOptions, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { ServiceUnavailableError } from '../errors.ts';

/**
 * The one place BullMQ queues, workers and event listeners are built, so the backend behind them (Redis today,
 * BullMQ's Postgres backend for the zero-setup mode) can change here and nowhere else.
 *
 * Queues: `capture` (pages, through the browser or plain HTTP), `tweet` (tweets, through oEmbed, rate-limited
 * across all workers), `notify` (one delivery of one alert to one subscription).
 */

export const CAPTURE_QUEUE = 'capture';
export const TWEET_QUEUE = 'tweet';
export const NOTIFY_QUEUE = 'notify';

export interface CaptureJobData {
  targetId: number;
  /** Why it runs: a schedule firing, someone asking (`check`), or confirming a suspected removal. */
  reason: 'schedule' | 'manual' | 'recheck';
}

export interface CaptureJobResult {
  snapshotId: number;
  changeId: number | null;
  alertIds: number[];
  /** Set when the job ran but captured nothing on purpose (the target is paused). */
  skipped?: string;
}

export type CaptureQueue = Queue<CaptureJobData, CaptureJobResult, string>;
export type CaptureWorker = Worker<CaptureJobData, CaptureJobResult, string>;

/**
 * Retries with backoff for transient failures (Redis, Postgres, a browser that died twice); a capture error is not
 * one. Six attempts 15 s, 30 s, 1, 2 and 4 min apart ride out a Postgres restart or failover of several minutes.
 */
export const CAPTURE_JOB_OPTIONS = {
  attempts: 6,
  backoff: { type: 'exponential', delay: 15_000 },
  removeOnComplete: { age: 24 * 3600, count: 5_000 },
  removeOnFail: { age: 7 * 24 * 3600 },
} as const;

/** A Redis connection as BullMQ wants it: commands never give up while Redis restarts. */
export function createRedis(config: Config): Redis {
  return new Redis(config.redisUrl, { maxRetriesPerRequest: null, enableReadyCheck: true, connectTimeout: 10_000 });
}

/** Fails fast, with what to check, when Redis does not answer. */
export async function assertRedisReachable(config: Config, timeoutMs = 5_000): Promise<void> {
  const probe = new Redis(config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new ServiceUnavailableError('redis', `cannot reach Redis at ${config.redisUrl}: ${(err as Error).message}; check REDIS_URL and that Redis is running`, { cause: err });
  } finally {
    probe.disconnect();
  }
}

/** A queue under the configured prefix. */
export function createQueue<D, R>(name: string, config: Config, connection: ConnectionOptions, defaultJobOptions: JobsOptions): Queue<D, R, string> {
  return new Queue<D, R, string>(name, { connection, prefix: config.queuePrefix, defaultJobOptions });
}

/** A worker under the configured prefix and lock duration; `options` adds concurrency and a rate limit. */
export function createWorker<D, R>(
  name: string,
  config: Config,
  connection: ConnectionOptions,
  processor: Processor<D, R, string>,
  options: Pick<WorkerOptions, 'concurrency' | 'limiter'>,
): Worker<D, R, string> {
  return new Worker<D, R, string>(name, processor, {
    connection,
    prefix: config.queuePrefix,
    autorun: true,
    // The lock is renewed while a job runs; these only bound how soon a dead worker's job is taken up again.
    lockDuration: config.lockDurationMs,
    stalledInterval: config.lockDurationMs,
    ...options,
  });
}

/** Listens to a queue's job events (completed, failed), for callers that wait on jobs. */
export function createQueueEvents(name: string, config: Config, connection: ConnectionOptions): QueueEvents {
  return new QueueEvents(name, { connection, prefix: config.queuePrefix });
}

export function createCaptureQueue(config: Config, connection: ConnectionOptions): CaptureQueue {
  return createQueue<CaptureJobData, CaptureJobResult>(CAPTURE_QUEUE, config, connection, CAPTURE_JOB_OPTIONS);
}

export function createCaptureWorker(config: Config, connection: ConnectionOptions, processor: Processor<CaptureJobData, CaptureJobResult, string>): CaptureWorker {
  return createWorker(CAPTURE_QUEUE, config, connection, processor, { concurrency: config.concurrency });
}
