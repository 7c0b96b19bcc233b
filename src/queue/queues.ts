import { Queue, QueueEvents, Worker, type JobsOptions, type PostgresPoolConfig, type Processor, type QueueEventsOptions, type WorkerOptions } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../config.ts';
import { ConfigError, ServiceUnavailableError } from '../errors/index.ts';
import { PostgresQueueClasses, postgresQueueConnection } from './postgres-backend.ts';
import { QUEUE } from './vocabulary.ts';
import type { SourceRunResult } from '../sources/source-model.ts';

/**
 * The one place BullMQ queues, workers and event listeners are built, so the backend behind them (Redis today,
 * BullMQ's Postgres backend for the zero-setup mode) can change here and nowhere else.
 *
 * Queues: `capture` (pages, through the browser or plain HTTP), `tweet` (tweets, through oEmbed, rate-limited
 * across all workers), `notify` (one delivery of one alert to one subscription).
 */

export const CAPTURE_QUEUE = QUEUE.capture;
export const TWEET_QUEUE = QUEUE.tweet;
export const NOTIFY_QUEUE = QUEUE.notify;
export const DISCOVER_QUEUE = QUEUE.discover;

/** A job of a watch queue: capture a page target (`capture`) or probe a tweet target (`tweet`). */
export interface WatchJobData {
  targetId: number;
  /**
   * Why it runs: a schedule firing, a new target's first capture, someone asking (`check`), confirming a suspected
   * removal, (a tweet) an embed of it that turned to its error state on a watched page, or (`screen`) a page an
   * `--only-matching` source found changed, captured again to judge whether it now names one of its phrases. A first capture or a
   * recheck whose moment has passed captures nothing (src/queue/stale-captures.ts).
   */
  reason: 'schedule' | 'first' | 'manual' | 'recheck' | 'embed_error' | 'screen';
  /** For a recheck: the snapshot that raised (or kept up) the suspicion it confirms; any later capture settles it. */
  suspectSnapshotId?: number;
}

/** A page capture's job (queue `capture`, job name `capture`). */
export type CaptureJobData = WatchJobData;
/** A tweet probe's job (queue `tweet`, job name `tweet`): the same fields, on its own rate-limited queue. */
export type TweetJobData = WatchJobData;

export interface WatchJobResult {
  snapshotId: number;
  changeId: number | null;
  alertIds: number[];
  /**
   * Set when the job ran but captured nothing on purpose: the target is paused (`paused`), a first capture found
   * the target captured already (`already_captured`), a recheck found its suspicion settled (`settled`), the target
   * was screened out by an `--only-matching` source (`screened`: only a `screen` capture or someone asking captures it).
   */
  skipped?: 'paused' | 'already_captured' | 'settled' | 'screened';
}

export type CaptureJobResult = WatchJobResult;

/** A read of a source (queue `discover`, job name `discover`): its schedule firing, or someone asking. */
export interface DiscoverJobData {
  sourceId: number;
  reason: 'schedule' | 'manual';
}
/** What the read did: src/sources/source-model.ts's SourceRunResult (null when the source was paused or gone). */
export type DiscoverJobResult = SourceRunResult | null;
export type DiscoverQueue = Queue<DiscoverJobData, DiscoverJobResult, string>;
export type DiscoverWorker = Worker<DiscoverJobData, DiscoverJobResult, string>;
export type TweetJobResult = WatchJobResult;

export type CaptureQueue = Queue<CaptureJobData, CaptureJobResult, string>;
export type CaptureWorker = Worker<CaptureJobData, CaptureJobResult, string>;
export type TweetQueue = Queue<TweetJobData, TweetJobResult, string>;
export type TweetWorker = Worker<TweetJobData, TweetJobResult, string>;
/** Either watch queue: what schedules, rechecks and checks are queued on, by the target's kind. */
export type WatchQueue = CaptureQueue | TweetQueue;

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

/**
 * What holds the queues: Redis (production), or BullMQ's Postgres backend in its own schema (the modes without
 * Redis). The prefix names the Redis keys; the Postgres backend ignores it, its schema being the namespace.
 */
export type QueueBackend = { kind: 'redis'; redis: Redis } | { kind: 'postgres'; connection: PostgresPoolConfig };

export function redisQueueBackend(redis: Redis): QueueBackend {
  return { kind: 'redis', redis };
}

/** Each queue, worker and listener built on it opens a pool of at most `max` connections (plus one LISTEN). */
export function postgresQueueBackend(databaseUrl: string, schema: string, max = 4): QueueBackend {
  return { kind: 'postgres', connection: postgresQueueConnection(databaseUrl, schema, { max }) };
}

// The Postgres classes are BullMQ's own, with the same methods; only their backend type parameters differ, so
// they are handed out under the Redis classes' types and nothing past this file knows which backend it has.
type AsRedisQueue<D, R> = Queue<D, R, string>;
type AsRedisWorker<D, R> = Worker<D, R, string>;

/** A Redis connection as BullMQ wants it: commands never give up while Redis restarts. */
export function createRedis(config: Config): Redis {
  return new Redis(redisUrlOf(config), { maxRetriesPerRequest: null, enableReadyCheck: true, connectTimeout: 10_000 });
}

function redisUrlOf(config: Config): string {
  if (config.redisUrl === undefined) throw new ConfigError(`this needs Redis, and REDIS_URL is not set (the ${config.mode} mode keeps its queues in Postgres)`);
  return config.redisUrl;
}

/** Fails fast, with what to check, when Redis does not answer. */
export async function assertRedisReachable(config: Config, timeoutMs = 5_000): Promise<void> {
  const url = redisUrlOf(config);
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: timeoutMs, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
  } catch (err) {
    throw new ServiceUnavailableError('redis', `cannot reach Redis at ${url}: ${(err as Error).message}; check REDIS_URL and that Redis is running`, { cause: err });
  } finally {
    probe.disconnect();
  }
}

/** A queue under the configured prefix (Redis) or in the queue schema (Postgres). */
export function createQueue<D, R>(name: string, config: Config, backend: QueueBackend, defaultJobOptions: JobsOptions): Queue<D, R, string> {
  if (backend.kind === 'postgres') {
    return new PostgresQueueClasses.Queue<D, R, string>(name, { connection: backend.connection, defaultJobOptions }) as unknown as AsRedisQueue<D, R>;
  }
  return new Queue<D, R, string>(name, { connection: backend.redis, prefix: config.queuePrefix, defaultJobOptions });
}

/** A worker under the configured prefix and lock duration; `options` adds concurrency and a rate limit. */
export function createWorker<D, R>(
  name: string,
  config: Config,
  backend: QueueBackend,
  processor: Processor<D, R, string>,
  options: Pick<WorkerOptions, 'concurrency' | 'limiter'>,
): Worker<D, R, string> {
  const common = {
    autorun: true,
    // The lock is renewed while a job runs; these only bound how soon a dead worker's job is taken up again.
    lockDuration: config.lockDurationMs,
    stalledInterval: config.lockDurationMs,
    ...options,
  };
  if (backend.kind === 'postgres') {
    return new PostgresQueueClasses.Worker<D, R, string>(name, processor, { connection: backend.connection, ...common }) as unknown as AsRedisWorker<D, R>;
  }
  return new Worker<D, R, string>(name, processor, { connection: backend.redis, prefix: config.queuePrefix, ...common });
}

/**
 * Listens to a queue's job events (completed, failed), for callers that wait on jobs. By default it hears only
 * events from when it starts reading; `lastEventId` starts it from an earlier event (`'0'`: all kept).
 */
export function createQueueEvents(name: string, config: Config, backend: QueueBackend, options: Pick<QueueEventsOptions, 'lastEventId'> = {}): QueueEvents {
  if (backend.kind === 'postgres') return new PostgresQueueClasses.QueueEvents(name, { connection: backend.connection, ...options }) as unknown as QueueEvents;
  return new QueueEvents(name, { connection: backend.redis, prefix: config.queuePrefix, ...options });
}

export function createCaptureQueue(config: Config, backend: QueueBackend): CaptureQueue {
  return createQueue<CaptureJobData, CaptureJobResult>(CAPTURE_QUEUE, config, backend, CAPTURE_JOB_OPTIONS);
}

/** Tweet probes: the same jobs as page captures, on their own queue so one rate limit holds them all. */
export function createTweetQueue(config: Config, backend: QueueBackend): TweetQueue {
  return createQueue<TweetJobData, TweetJobResult>(TWEET_QUEUE, config, backend, CAPTURE_JOB_OPTIONS);
}

/** Reads of sources: few and long (a sitemap of 50,000 pages), retried like captures. */
export function createDiscoverQueue(config: Config, backend: QueueBackend): DiscoverQueue {
  return createQueue<DiscoverJobData, DiscoverJobResult>(DISCOVER_QUEUE, config, backend, CAPTURE_JOB_OPTIONS);
}

export function createCaptureWorker(config: Config, backend: QueueBackend, processor: Processor<CaptureJobData, CaptureJobResult, string>): CaptureWorker {
  return createWorker(CAPTURE_QUEUE, config, backend, processor, { concurrency: config.concurrency });
}
