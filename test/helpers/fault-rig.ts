import type { Redis } from 'ioredis';
import { loadConfig, type Config } from '../../src/config.ts';
import { insertTarget, type Target } from '../../src/db/targets.ts';
import { parseNewTarget } from '../../src/targets/target-input.ts';
import { createCaptureQueue, createRedis, redisQueueBackend, CAPTURE_JOB_OPTIONS, type CaptureQueue } from '../../src/queue/queues.ts';
import { startFixtureSite, type ArticleSpec, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnv } from './context.ts';
import { uniquePrefix } from './queue-prefix.ts';
import { startHeldPages, type HeldPages } from './held-pages.ts';
import { startPrivateRedis, type PrivateRedis } from './redis-server.ts';
import { killTree, stopProcess, startWorkerProcess, waitUntil, type WorkerProcess } from './processes.ts';

/** A plain article: text and two photos, no embedded tweet (so no tweet targets appear). */
export function plainArticle(n: number): ArticleSpec {
  return {
    title: `Exercise report ${n}`,
    byline: 'By Staff Sgt. Test Writer, Public Affairs',
    date: 'Feb. 18, 2019',
    paragraphs: [
      `Report ${n}: soldiers from partner nations trained together on border security over three weeks.`,
      `The exercise, number ${n} in the series, ended with a ceremony attended by military leaders.`,
      'Training covered counter-terrorism, medical evacuation and the coordination of multinational operations.',
    ],
    photos: [
      { file: `report-${n}-a.png`, alt: `Soldiers at exercise ${n}`, caption: `Soldiers during exercise ${n}.` },
      { file: `report-${n}-b.png`, alt: `Range at exercise ${n}`, caption: `A range day during exercise ${n}.` },
    ],
    tweet: null,
    related: ['Earlier exercises in the region'],
  };
}

/** A schedule that never fires during a test: the fault tests queue the captures they want themselves. */
export const DORMANT_CRON = '0 0 1 1 *';

/** A job of the capture queue, as read back from it. */
type CaptureJob = NonNullable<Awaited<ReturnType<CaptureQueue['getJob']>>>;

/**
 * What a fault test stands on: its own database, a private Redis, the fixture site behind a gate that can hold
 * pages, a queue to add jobs through, and the worker processes it starts (all stopped by `close`).
 */
export interface FaultRig {
  db: TestDatabase;
  redis: PrivateRedis;
  site: FixtureSite;
  gate: HeldPages;
  prefix: string;
  /** A test-side connection to the private Redis and the capture queue on it. */
  connection: Redis;
  queue: CaptureQueue;
  /** The environment of worker processes: this database (or `databaseUrl`), the private Redis, a short lock. */
  env(extra?: Record<string, string>): Record<string, string>;
  config(extra?: Record<string, string>): Config;
  /** Defines `/news/<name>-<i>` articles and inserts them as targets (Postgres only; workers reconcile their schedules). */
  /** Adds `count` targets serving `article(i)` (a plain article unless told otherwise). */
  addTargets(name: string, count: number, schedule?: { cron: string } | { every: string }, article?: (n: number) => ArticleSpec): Promise<Target[]>;
  /** Queues one capture of `targetId` under `jobId`, as the scheduler or `check` would. */
  enqueue(targetId: number, jobId: string): Promise<void>;
  startWorker(extra?: Record<string, string>): Promise<WorkerProcess>;
  /**
   * The job `jobId` once finished (completed or failed for good). A capture saves its snapshot inside the job, a
   * moment before the job is marked done: wait for this before reading the job's attempts or outcome.
   */
  finishedJob(jobId: string): Promise<CaptureJob>;
  /** Snapshots per target, with their job ids. */
  snapshots(): Promise<{ targetId: number; jobId: string; id: number; error: string | null }[]>;
  close(): Promise<void>;
}

export async function startFaultRig(options: { persistentRedis?: boolean } = {}): Promise<FaultRig> {
  const db = await createTestDatabase();
  const redis = await startPrivateRedis({ persistent: options.persistentRedis ?? false });
  const site = await startFixtureSite();
  const gate = await startHeldPages(site.origin);
  const prefix = uniquePrefix();
  const env = (extra: Record<string, string> = {}) =>
    testEnv(db.url, prefix, { REDIS_URL: redis.url, SCRUBWATCH_LOCK_DURATION: '3s', SCRUBWATCH_CONCURRENCY: '2', ...extra });
  const config = (extra: Record<string, string> = {}) => loadConfig(env(extra));
  const connection = createRedis(config());
  connection.on('error', () => undefined);
  const queue = createCaptureQueue(config(), redisQueueBackend(connection));
  queue.on('error', () => undefined);
  const workers: WorkerProcess[] = [];

  return {
    db,
    redis,
    site,
    gate,
    prefix,
    connection,
    queue,
    env,
    config,
    async addTargets(name, count, schedule = { cron: DORMANT_CRON }, article = plainArticle) {
      const targets: Target[] = [];
      for (let i = 1; i <= count; i++) {
        const path = `/news/${name}-${i}`;
        site.article(path, article(i));
        const spec = parseNewTarget({ url: gate.url(path), ...schedule, options: { watchEmbeds: false } }, '6h');
        const target = await insertTarget(db.pool, spec);
        if (!target) throw new Error(`target ${path} already exists`);
        targets.push(target);
      }
      return targets;
    },
    async enqueue(targetId, jobId) {
      await queue.add('capture', { targetId, reason: 'manual' }, { ...CAPTURE_JOB_OPTIONS, jobId });
    },
    async startWorker(extra = {}) {
      const worker = await startWorkerProcess(env(extra));
      workers.push(worker);
      return worker;
    },
    finishedJob(jobId) {
      return waitUntil(`job ${jobId} to finish`, async () => {
        const job = await queue.getJob(jobId);
        return job?.finishedOn ? job : undefined;
      }, 30_000);
    },
    async snapshots() {
      const { rows } = await db.pool.query<{ target_id: number; job_id: string; id: number; error_code: string | null }>(
        'select id, target_id, job_id, error_code from snapshots order by id',
      );
      return rows.map((r) => ({ targetId: r.target_id, jobId: r.job_id, id: r.id, error: r.error_code }));
    },
    async close() {
      // FAULTS_DEBUG=1 prints what the workers logged, to see why a fault test failed.
      if (process.env.FAULTS_DEBUG) for (const w of workers) process.stderr.write(`--- worker ${w.pid} ---\n${w.logs().slice(-20_000)}\n`);
      await Promise.all(
        workers.map((w) => stopProcess(w, 'SIGTERM', 40_000).catch(() => killTree(w))),
      );
      await queue.close().catch(() => undefined);
      connection.disconnect();
      await gate.close();
      await site.close();
      await redis.close();
      await db.drop();
    },
  };
}
