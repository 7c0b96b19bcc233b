import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config } from './config.ts';
import { assertDatabaseReachable, createPool, type Pool } from './db/pool.ts';
import { createBrowserHost, type BrowserHost } from './capture/browser.ts';
import { createNotifyQueue, type NotifyQueue } from './queue/notify-jobs.ts';
import type { HostGate } from './politeness/host-gate.ts';
import { createRedisHostGate } from './politeness/redis-host-gate.ts';
import { assertRedisReachable, createCaptureQueue, createQueue, createRedis, CAPTURE_JOB_OPTIONS, TWEET_QUEUE, type CaptureJobData, type CaptureJobResult, type CaptureQueue } from './queue/queues.ts';

/** What every command and job is handed: built once by the entry point, closed once on the way out. */
export interface Context {
  config: Config;
  logger: Logger;
  pool: Pool;
  redis: Redis;
  captureQueue: CaptureQueue;
  /** Tweet probes: same jobs as captures, on their own rate-limited queue. */
  tweetQueue: CaptureQueue;
  /** Deliveries of alerts to subscribers, digests, Wayback lookups. */
  notifyQueue: NotifyQueue;
  /** One browser per process, launched on first use. */
  browser: BrowserHost;
  /** Politeness: how many captures of one host run at once, and how far apart, across every worker. */
  hostGate: HostGate;
  close(): Promise<void>;
}

/**
 * Connects to Postgres and Redis (failing at once, with what to check, when either is down) and prepares the
 * browser. Closing releases everything in reverse order of creation.
 */
export async function createContext(config: Config, logger: Logger): Promise<Context> {
  const pool = createPool(config.databaseUrl, { max: config.concurrency + 4 });
  try {
    await assertDatabaseReachable(pool, config.databaseUrl);
    await assertRedisReachable(config);
  } catch (err) {
    await pool.end();
    throw err;
  }
  const redis = createRedis(config);
  redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
  const captureQueue = createCaptureQueue(config, redis);
  const tweetQueue = createQueue<CaptureJobData, CaptureJobResult>(TWEET_QUEUE, config, redis, CAPTURE_JOB_OPTIONS);
  const notifyQueue = createNotifyQueue(config, redis);
  const browser = createBrowserHost(config, logger);
  const hostGate = createRedisHostGate(redis, config.queuePrefix, { perHost: config.hostConcurrency, gapMs: config.hostGapMs });
  let closed = false;
  return {
    config,
    logger,
    pool,
    redis,
    captureQueue,
    tweetQueue,
    notifyQueue,
    browser,
    hostGate,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close();
      await captureQueue.close();
      await tweetQueue.close();
      await notifyQueue.close();
      await pool.end();
      redis.disconnect();
    },
  };
}
