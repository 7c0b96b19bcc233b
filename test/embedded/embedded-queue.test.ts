import type { Job } from 'bullmq';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { createPool } from '../../src/db/pool.ts';
import { insertTarget, listTargets } from '../../src/db/targets.ts';
import type { EmbeddedPostgres } from '../../src/embedded/embedded-postgres.ts';
import { findShadowedNames } from '../../src/embedded/search-path.ts';
import { migrateQueueSchema, PostgresQueueClasses, postgresQueueConnection } from '../../src/queue/postgres-backend.ts';
import { targetOptionsSchema } from '../../src/targets/target-input.ts';
import { INITDB_TIMEOUT_MS, openEmbedded, tempDataDir, TEST_QUEUE_SCHEMA } from '../helpers/embedded.ts';

const { Queue, Worker } = PostgresQueueClasses;
const QUEUE = 'probe';

interface ProbeData {
  n: number;
}
interface Finished {
  id: string;
  name: string;
  result: number;
  timestamp: number;
  processedOn: number;
  schedulerId: string | null;
}

/** Polls `find` until it returns something, failing with `what` after `timeoutMs`. */
async function until<T>(what: string, find: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A queue and a worker on the embedded database, recording every job the worker finishes. */
function startQueue(url: string) {
  const connection = postgresQueueConnection(url, TEST_QUEUE_SCHEMA, { max: 2 });
  const queue = new Queue<ProbeData, number>(QUEUE, { connection });
  const finished: Finished[] = [];
  const worker = new Worker<ProbeData, number>(QUEUE, async (job: Job<ProbeData, number>) => job.data.n * 2, { connection, concurrency: 2 });
  worker.on('completed', (job, result) => {
    finished.push({ id: job.id!, name: job.name, result, timestamp: job.timestamp, processedOn: job.processedOn!, schedulerId: job.repeatJobKey ?? null });
  });
  const errors: Error[] = [];
  queue.on('error', (err) => errors.push(err));
  worker.on('error', (err) => errors.push(err));
  return {
    queue,
    finished,
    errors,
    async close() {
      await worker.close();
      await queue.close();
    },
  };
}

describe('BullMQ on the embedded Postgres', () => {
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;
  let bull: ReturnType<typeof startQueue>;

  beforeAll(async () => {
    dir = await tempDataDir();
    embedded = await openEmbedded(dir.path);
    pool = createPool(embedded.url, { max: 4 });
    await migrate(pool);
    await migrateQueueSchema(pool, TEST_QUEUE_SCHEMA);
    bull = startQueue(embedded.url);
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await bull?.close();
    await pool?.end();
    await embedded?.close();
    await dir?.remove();
  });

  it("keeps BullMQ's objects in its own schema and scrubwatch's in public, sharing no name", async () => {
    const schemasOf = async (table: string) =>
      (await pool.query<{ schema: string }>("select n.nspname as schema from pg_class c join pg_namespace n on n.oid = c.relnamespace where c.relname = $1 and c.relkind = 'r'", [table])).rows.map((r) => r.schema);
    expect(await schemasOf('job')).toEqual([TEST_QUEUE_SCHEMA]);
    expect(await schemasOf('targets')).toEqual(['public']);
    expect(await schemasOf('schema_migrations')).toEqual(['public']);
    expect(await findShadowedNames(pool, TEST_QUEUE_SCHEMA)).toEqual([]);
  });

  it('runs a job end to end', async () => {
    const job = await bull.queue.add('now', { n: 21 });
    const done = await until('the job to finish', () => bull.finished.find((f) => f.id === job.id));
    expect(done.result).toBe(42);
    expect(await bull.queue.getJobState(job.id!)).toBe('completed');
    expect(bull.errors).toEqual([]);
  });

  it('runs a delayed job once its delay has passed', async () => {
    // Long enough to still be delayed when the state is read: the add and the read both go through PGlite in this
    // process, which the worker is polling too.
    const delay = 5_000;
    const job = await bull.queue.add('later', { n: 5 }, { delay });
    expect(await bull.queue.getJobState(job.id!)).toBe('delayed');
    const done = await until('the delayed job to finish', () => bull.finished.find((f) => f.id === job.id));
    expect(done.result).toBe(10);
    expect(done.processedOn - done.timestamp).toBeGreaterThanOrEqual(delay);
  });

  it('produces jobs from a job scheduler', async () => {
    await bull.queue.upsertJobScheduler('tick', { every: 1_000 }, { name: 'tick', data: { n: 1 } });
    await until('two jobs from the scheduler', () => (bull.finished.filter((f) => f.schedulerId === 'tick').length >= 2 ? true : undefined));
    expect(bull.errors).toEqual([]);
  });

  it('keeps rows, migrations and the job scheduler across a restart of the same folder', async () => {
    await insertTarget(pool, {
      kind: 'page', url: 'https://example.org/kept', tweetId: null, name: null, tags: [],
      schedule: { every: '1h' }, fetcher: 'http', options: targetOptionsSchema.parse({}),
    });
    await bull.close();
    await pool.end();
    await embedded.close();

    embedded = await openEmbedded(dir.path);
    pool = createPool(embedded.url, { max: 4 });
    expect((await migrate(pool)).applied).toEqual([]);
    expect((await listTargets(pool)).map((t) => t.url)).toContain('https://example.org/kept');

    const reopenedAt = Date.now();
    bull = startQueue(embedded.url);
    expect(await bull.queue.getJobScheduler('tick')).toMatchObject({ key: 'tick', every: 1_000 });
    const tick = await until('a scheduled job after the restart', () => bull.finished.find((f) => f.schedulerId === 'tick' && f.processedOn >= reopenedAt));
    expect(tick.result).toBe(2);
    expect(bull.errors).toEqual([]);
  });
});
