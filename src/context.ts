import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { Config, RunMode } from './config.ts';
import { assertDatabaseReachable, createPool, type Pool } from './db/pool.ts';
import { migrate } from './db/migrate.ts';
import { createBrowserHost, type BrowserHost } from './capture/browser.ts';
import { openDatabase, type EmbeddedAccess } from './embedded/open-database.ts';
import { createNotifyQueue, type NotifyQueue } from './queue/notify-jobs.ts';
import type { HostGate } from './politeness/host-gate.ts';
import { createPostgresHostGate } from './politeness/postgres-host-gate.ts';
import { createRedisHostGate } from './politeness/redis-host-gate.ts';
import { migrateQueueSchema } from './queue/postgres-backend.ts';
import {
  assertRedisReachable,
  createCaptureQueue,
  createRedis,
  createTweetQueue,
  createDiscoverQueue,
  type DiscoverQueue,
  postgresQueueBackend,
  redisQueueBackend,
  type CaptureQueue,
  type TweetQueue,
  type QueueBackend,
} from './queue/queues.ts';

/** What every command and job is handed: built once by the entry point, closed once on the way out. */
export interface Context {
  config: Config;
  logger: Logger;
  /** Where data and queues live (see RunMode). */
  mode: RunMode;
  pool: Pool;
  /** The Postgres the pool reaches: DATABASE_URL, or the embedded database's loopback URL. */
  databaseUrl: string;
  /**
   * In the embedded mode, whether this process owns the data folder or talks to the scrubwatch process that does
   * (and runs its workers); null in the other modes.
   */
  embeddedAccess: 'owner' | 'attached' | null;
  /**
   * Whether this process runs the capture workers (`start`, `worker`): a check asked of it then waits for its own
   * workers, with no need to count them on the queue (which the embedded database cannot tell).
   */
  runsWorkers: boolean;
  /** The queues' Redis; null in the modes without Redis, where the queues live in Postgres. */
  redis: Redis | null;
  /** What queues, workers and queue listeners are built on (src/queue/queues.ts). */
  queueBackend: QueueBackend;
  captureQueue: CaptureQueue;
  /** Tweet probes: same jobs as captures, on their own rate-limited queue. */
  tweetQueue: TweetQueue;
  /** Deliveries of alerts to subscribers, digests, Wayback lookups. */
  notifyQueue: NotifyQueue;
  /** Sources read for the pages they list (src/sources/). */
  discoverQueue: DiscoverQueue;
  /** One browser per process, launched on first use. */
  browser: BrowserHost;
  /** Politeness: how many captures of one host run at once, and how far apart, across every worker. */
  hostGate: HostGate;
  close(): Promise<void>;
}

export interface ContextOptions {
  /** In the embedded mode: own the data folder (long-running roles) or attach to its running owner (CLI). */
  embedded?: EmbeddedAccess;
  /** Set by the roles that start the capture workers in this process (`start`, `worker`). */
  runsWorkers?: boolean;
}

/**
 * Connects to Postgres and Redis (failing at once, with what to check, when either is down) and prepares the
 * browser. Without Redis the queues live in Postgres, in their own schema, migrated here; in the embedded mode
 * the embedded database is opened first, and migrated too when this process owns it (nothing else could have).
 * Closing releases everything in reverse order of creation.
 */
export async function createContext(config: Config, logger: Logger, options: ContextOptions = {}): Promise<Context> {
  const database = await openDatabase(config, logger, options.embedded ?? 'attach');
  // The embedded database serves one statement at a time, but a transaction and the queue need two connections.
  const pool = createPool(database.url, { max: config.concurrency + 4 });
  let queueBackend: QueueBackend;
  let redis: Redis | null = null;
  try {
    await assertDatabaseReachable(pool, database.url);
    if (database.embedded !== null) await migrate(pool);
    if (config.mode === 'redis') {
      await assertRedisReachable(config);
      redis = createRedis(config);
      redis.on('error', (err) => logger.warn({ err: err.message }, 'redis connection error'));
      queueBackend = redisQueueBackend(redis);
    } else {
      await migrateQueueSchema(pool, config.queueSchema);
      queueBackend = postgresQueueBackend(database.url, config.queueSchema);
    }
  } catch (err) {
    await pool.end();
    await database.embedded?.close();
    throw err;
  }
  const captureQueue = createCaptureQueue(config, queueBackend);
  const tweetQueue = createTweetQueue(config, queueBackend);
  const notifyQueue = createNotifyQueue(config, queueBackend);
  const discoverQueue = createDiscoverQueue(config, queueBackend);
  const browser = createBrowserHost(config, logger);
  const limits = { perHost: config.hostConcurrency, gapMs: config.hostGapMs };
  const hostGate = redis ? createRedisHostGate(redis, config.queuePrefix, limits) : createPostgresHostGate(pool, limits);
  let closed = false;
  return {
    config,
    logger,
    mode: config.mode,
    pool,
    databaseUrl: database.url,
    embeddedAccess: database.access,
    runsWorkers: options.runsWorkers ?? false,
    redis,
    queueBackend,
    captureQueue,
    tweetQueue,
    notifyQueue,
    discoverQueue,
    browser,
    hostGate,
    async close() {
      if (closed) return;
      closed = true;
      await browser.close();
      await captureQueue.close();
      await tweetQueue.close();
      await notifyQueue.close();
      await discoverQueue.close();
      await pool.end();
      redis?.disconnect();
      await database.embedded?.close();
    },
  };
}
