/**
 * Where the Postgres bytes of an unchanged check go (`npm run bench:storage`): fixture articles captured twice
 * through the real capture job and store; the second capture's snapshot row and change row weighed column by
 * column (`pg_column_size`), as bench/lib/stored-bytes.ts counts them. Not a test: it prints figures
 * (BENCH_STORAGE_PAGES, default 5).
 */
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createContext } from '../src/context.ts';
import type { Pool } from '../src/db/pool.ts';
import { addTarget } from '../src/targets/manage-targets.ts';
import { runCapture } from '../src/watch/capture-target.ts';
import { startArticleSite } from './lib/article-site.ts';
import { createScratch } from './lib/scratch.ts';
import { storedBytes } from './lib/stored-bytes.ts';
import { printReport, type Row } from './lib/table.ts';

const PAGES = Number(process.env.BENCH_STORAGE_PAGES ?? 5);

/** Median `pg_column_size` of each column of `table`'s rows named by `ids`, and of the whole row. */
async function columnSizes(pool: Pool, table: 'snapshots' | 'changes', key: string, ids: number[]): Promise<Map<string, number>> {
  const { rows: cols } = await pool.query<{ name: string }>(
    `select attname as name from pg_attribute where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum`,
    [table],
  );
  const sizes = new Map<string, number>();
  for (const { name } of cols) {
    const { rows } = await pool.query<{ n: string }>(
      `select percentile_disc(0.5) within group (order by coalesce(pg_column_size(t.${name}), 0)) as n from ${table} t where ${key} = any($1)`,
      [ids],
    );
    sizes.set(name, Number(rows[0]!.n));
  }
  const { rows } = await pool.query<{ n: string }>(
    `select percentile_disc(0.5) within group (order by pg_column_size(t.*)) as n from ${table} t where ${key} = any($1)`,
    [ids],
  );
  sizes.set('(row)', Number(rows[0]!.n));
  return sizes;
}

async function main(): Promise<void> {
  const { site, urls } = await startArticleSite(PAGES);
  const scratch = await createScratch('storage');
  const env = { DATABASE_URL: scratch.databaseUrl, REDIS_URL: scratch.redisUrl, SCRUBWATCH_QUEUE_PREFIX: scratch.prefix, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn' };
  const ctx = await createContext(loadConfig({ ...process.env, ...env }), createLogger('warn', { pretty: false }));
  try {
    const targets = [];
    for (const url of urls) targets.push(await addTarget(ctx, { url, every: '30d' }));
    for (const t of targets) await runCapture(ctx, t.id, `bench-first-${t.id}`);
    const afterFirst = await storedBytes(scratch.pool);
    const again: number[] = [];
    for (const t of targets) {
      const saved = await runCapture(ctx, t.id, `bench-again-${t.id}`);
      if (!saved.change?.unchanged) throw new Error(`the second capture of target ${t.id} did not read as unchanged`);
      again.push(saved.snapshot.id);
    }
    const afterAgain = await storedBytes(scratch.pool);
    const perCheck = Math.round((afterAgain.rows - afterFirst.rows) / PAGES);
    const rows: Row[] = [{ measure: 'bytes added to Postgres per unchanged check (rows)', value: `${perCheck} B`, target: '< 400 B', met: perCheck < 400 }];
    for (const [table, key] of [['snapshots', 'id'], ['changes', 'snapshot_id']] as const) {
      for (const [column, n] of await columnSizes(scratch.pool, table, key, again)) rows.push({ measure: `  ${table}.${column}`, value: `${n} B` });
    }
    printReport('an unchanged check, column by column (medians)', rows);
  } finally {
    await ctx.close();
    await site.close();
    await scratch.drop();
  }
}

await main();
