import { readdir, readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';
import { MigrationFailedError } from '../errors/index.ts';
import { withClient, withTransaction, type Queryable } from './pool.ts';

const SQL_DIR = fileURLToPath(new URL('../../sql/', import.meta.url));
// Any constant works; it only has to be the same for every scrubwatch process migrating one database.
const MIGRATION_LOCK = 0x5c12_b0a7;

export interface MigrationResult {
  applied: string[];
  alreadyApplied: string[];
}

/**
 * Applies the numbered files of sql/ that the database has not seen, each in its own transaction, recorded in
 * the schema_migrations ledger. Safe to run concurrently from several processes: an advisory lock serialises them.
 */
export async function migrate(pool: pg.Pool, dir: string = SQL_DIR): Promise<MigrationResult> {
  const files = await migrationFiles(dir);
  return withClient(pool, async (lockClient, broken) => {
    try {
      await lockClient.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
      await lockClient.query(
        'create table if not exists schema_migrations (name text primary key, applied_at timestamptz not null default now())',
      );
      const { rows } = await lockClient.query<{ name: string }>('select name from schema_migrations');
      const done = new Set(rows.map((r) => r.name));
      const applied: string[] = [];
      for (const file of files) {
        if (done.has(file)) continue;
        const sql = await readFile(`${dir}/${file}`, 'utf8');
        try {
          await withTransaction(pool, async (client) => {
            await client.query(sql);
            await client.query('insert into schema_migrations (name) values ($1)', [file]);
          });
        } catch (err) {
          throw new MigrationFailedError(file, err);
        }
        applied.push(file);
      }
      return { applied, alreadyApplied: files.filter((f) => done.has(f)) };
    } finally {
      if (!broken()) await lockClient.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    }
  });
}

/** The migration files this scrubwatch carries, in the order they apply. */
export async function migrationFiles(dir: string = SQL_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((f) => /^\d{3}_[a-z0-9_]+\.sql$/.test(f)).sort();
}

/** The migrations a database has applied, in order. */
export async function appliedMigrations(db: Queryable): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>('select name from schema_migrations order by name');
  return rows.map((r) => r.name);
}
