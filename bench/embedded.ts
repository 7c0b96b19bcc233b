/**
 * `npx tsx bench/embedded.ts`: the zero-setup mode's store and queue beside the production ones, on this machine.
 * Stores: the embedded Postgres (PGlite served on loopback) and the local Postgres (a scratch database, dropped
 * after). Queues: BullMQ's Postgres backend on each, and BullMQ on Redis for reference. BENCH_INSERTS sets the
 * number of target inserts (default 2,000), BENCH_JOBS the jobs per queue measure (default 200).
 * Prints tables with the machine and writes bench/results/embedded.json. Not a test: it prints figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Queue, Worker, type ConnectionOptions } from 'bullmq';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { migrate } from '../src/db/migrate.ts';
import { createPool, withTransaction, type Pool } from '../src/db/pool.ts';
import { getTarget, insertTarget } from '../src/db/targets.ts';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../src/embedded/embedded-postgres.ts';
import { migrateQueueSchema, PostgresQueueClasses, postgresQueueConnection } from '../src/queue/postgres-backend.ts';
import { targetOptionsSchema } from '../src/targets/target-input.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { createScratch } from './lib/scratch.ts';
import { markdownTable, printTable, type Row } from './lib/table.ts';

const INSERTS = Number(process.env.BENCH_INSERTS ?? 2_000);
const JOBS = Number(process.env.BENCH_JOBS ?? 200);
const SCHEMA = 'scrubwatch_queue';
const logger = pino({ level: 'silent' });

/** Runs `fn` for every index with `width` of them in flight; returns the seconds it took. */
async function timed(count: number, width: number, fn: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const start = performance.now();
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < count) await fn(next++);
  }));
  return (performance.now() - start) / 1000;
}

const perSecond = (count: number, seconds: number) => `${Math.round(count / seconds)}/s`;

async function storeRows(label: string, pool: Pool): Promise<Row[]> {
  const options = targetOptionsSchema.parse({});
  const ids: number[] = [];
  const insert = await timed(INSERTS, 4, async (i) => {
    const t = await insertTarget(pool, { kind: 'page', url: `https://bench.example/${label}/${i}`, tweetId: null, name: null, tags: ['bench'], schedule: { every: '1h' }, fetcher: 'http', options });
    ids.push(t!.id);
  });
  const read = await timed(INSERTS, 4, (i) => getTarget(pool, ids[i % ids.length]!));
  await pool.query('create table bench_bodies (id int primary key, body text not null)');
  const body = 'x'.repeat(100_000);
  const large = Math.max(50, INSERTS / 10);
  const tx = await timed(large, 4, (i) =>
    withTransaction(pool, async (c) => {
      await c.query('insert into bench_bodies values ($1, $2)', [i, body]);
      await c.query('select count(*) from bench_bodies where id <= $1', [i]);
    }),
  );
  return [
    { measure: `${label}: target inserts, 4 clients`, value: perSecond(INSERTS, insert) },
    { measure: `${label}: target reads by id, 4 clients`, value: perSecond(INSERTS, read) },
    { measure: `${label}: transactions writing 100 KB, 4 clients`, value: perSecond(large, tx) },
  ];
}

/** One job at a time (add, wait for it to finish), then JOBS added at once and drained by a worker of 4. */
async function queueRows(label: string, Q: typeof Queue, W: typeof Worker, connection: ConnectionOptions | object, extra: object = {}): Promise<Row[]> {
  const name = `bench-${Date.now()}`;
  const queue = new Q(name, { connection, ...extra } as ConstructorParameters<typeof Queue>[1]);
  const waiting = new Map<string, () => void>();
  let drained = 0;
  const worker = new W(name, async (job) => job.data as unknown, { connection, concurrency: 4, ...extra } as ConstructorParameters<typeof Worker>[2]);
  worker.on('completed', (job) => {
    drained++;
    waiting.get(job.id!)?.();
  });
  await worker.waitUntilReady();
  const latencies: number[] = [];
  const one = await timed(Math.min(JOBS, 100), 1, async () => {
    const start = performance.now();
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    const job = await queue.add('one', { n: 1 });
    waiting.set(job.id!, done);
    if ((await queue.getJobState(job.id!)) === 'completed') done();
    await finished;
    latencies.push(performance.now() - start);
  });
  drained = 0;
  const start = performance.now();
  await queue.addBulk(Array.from({ length: JOBS }, (_, i) => ({ name: 'bulk', data: { n: i } })));
  while (drained < JOBS) await new Promise((r) => setTimeout(r, 5));
  const bulk = (performance.now() - start) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  latencies.sort((a, b) => a - b);
  return [
    { measure: `${label}: job round trip, one at a time`, value: `${perSecond(latencies.length, one)} (median ${latencies[latencies.length >> 1]!.toFixed(1)} ms)` },
    { measure: `${label}: ${JOBS} jobs added at once, worker of 4`, value: perSecond(JOBS, bulk) },
  ];
}

async function openMeasured(dataDir: string): Promise<{ db: EmbeddedPostgres; seconds: number }> {
  const start = performance.now();
  const db = await startEmbeddedPostgres({ dataDir, queueSchema: SCHEMA, logger });
  return { db, seconds: (performance.now() - start) / 1000 };
}

const m = machine();
process.stdout.write(`machine: ${describeMachine(m)}\n`);
const rows: Row[] = [];

const dataDir = mkdtempSync(join(tmpdir(), 'scrubwatch-bench-'));
const rssBefore = process.memoryUsage().rss;
const first = await openMeasured(dataDir);
rows.push({ measure: 'embedded: first open (creates the database)', value: `${first.seconds.toFixed(1)} s` });
rows.push({ measure: 'embedded: process memory after first open (initdb included)', value: `${Math.round((process.memoryUsage().rss - rssBefore) / 2 ** 20)} MiB` });
await first.db.close();
const again = await openMeasured(dataDir);
rows.push({ measure: 'embedded: reopen', value: `${again.seconds.toFixed(2)} s` });
const embedded = again.db;
const embeddedPool = createPool(embedded.url, { max: 4 });
const scratch = await createScratch('embedded');
try {
  await migrate(embeddedPool);
  rows.push(...(await storeRows('embedded', embeddedPool)));
  rows.push(...(await storeRows('postgres', scratch.pool)));
  await migrateQueueSchema(embeddedPool, SCHEMA);
  await migrateQueueSchema(scratch.pool, SCHEMA);
  const { Queue: PgQueue, Worker: PgWorker } = PostgresQueueClasses;
  rows.push(...(await queueRows('embedded queue', PgQueue as unknown as typeof Queue, PgWorker as unknown as typeof Worker, postgresQueueConnection(embedded.url, SCHEMA))));
  rows.push(...(await queueRows('postgres queue', PgQueue as unknown as typeof Queue, PgWorker as unknown as typeof Worker, postgresQueueConnection(scratch.databaseUrl, SCHEMA))));
  const redis = new Redis(scratch.redisUrl, { maxRetriesPerRequest: null });
  rows.push(...(await queueRows('redis queue', Queue, Worker, redis, { prefix: scratch.prefix })));
  redis.disconnect();
} finally {
  await embeddedPool.end();
  await embedded.close();
  rmSync(dataDir, { recursive: true, force: true });
  await scratch.drop();
}

printTable(`embedded vs local Postgres (${INSERTS} inserts, ${JOBS} jobs)`, rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL('./results/embedded.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, rows, markdown: `${markdownTable(rows)}\n\nMachine: ${describeMachine(m)}.` }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${out.pathname}\n`);
