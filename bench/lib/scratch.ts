import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { migrate } from '../../src/db/migrate.ts';
import { createPool, type Pool } from '../../src/db/pool.ts';
import { deletePrefixKeys } from '../../test/helpers/queue-prefix.ts';

/**
 * A migrated database and a queue prefix of the benchmark's own on the local Postgres and Redis (or those named by
 * SCRUBWATCH_BENCH_DATABASE_URL / SCRUBWATCH_BENCH_REDIS_URL), dropped again by `drop()`.
 */
export interface Scratch {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  pool: Pool;
  drop(): Promise<void>;
}

const ADMIN_URL = process.env.SCRUBWATCH_BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const REDIS_URL = process.env.SCRUBWATCH_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: ADMIN_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

export async function createScratch(label: string): Promise<Scratch> {
  const id = randomBytes(4).toString('hex');
  const name = `scrubwatch_bench_${label}_${id}`;
  await admin(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  const databaseUrl = url.toString();
  const pool = createPool(databaseUrl, { max: 8 });
  await migrate(pool);
  const prefix = `swbench-${label}-${id}`;
  return {
    databaseUrl,
    redisUrl: REDIS_URL,
    prefix,
    pool,
    async drop() {
      await pool.end();
      await admin(`drop database if exists ${name} with (force)`);
      await deletePrefixKeys(prefix, REDIS_URL);
    },
  };
}
