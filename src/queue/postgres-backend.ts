import { createPostgresBackend, runMigrations, withBackend, type PostgresPoolConfig } from 'bullmq';
import type pg from 'pg';

/**
 * BullMQ's queue classes bound to its Postgres backend, for the modes without Redis. Built once here so
 * src/queue/queues.ts can pick them (or the Redis classes) without touching BullMQ's process-wide default.
 */
export const PostgresQueueClasses = withBackend(createPostgresBackend);

/**
 * What a Postgres-backed Queue, Worker or QueueEvents takes as `connection`: BullMQ builds its own small pool
 * (plus one LISTEN connection) from it, with every object of the backend in `schema`.
 *
 * `schema` only reaches BullMQ through this config-object form: a bare URL or a ready pg.Pool always means its
 * default schema. On a real Postgres the schema is pinned per connection; on the embedded one the session's
 * search_path does it (see src/embedded/search-path.ts).
 */
export function postgresQueueConnection(databaseUrl: string, schema: string, options: { max?: number } = {}): PostgresPoolConfig {
  return { connectionString: databaseUrl, schema, max: options.max ?? 4, application_name: 'scrubwatch-queue' };
}

/**
 * Creates or upgrades BullMQ's tables and functions in `schema`, in one transaction under BullMQ's own advisory
 * lock (safe from several processes at once). Queues and workers then start without `migrate: true`.
 * Returns BullMQ's schema version.
 */
export async function migrateQueueSchema(pool: pg.Pool, schema: string): Promise<number> {
  const client = await pool.connect();
  try {
    return await runMigrations(client, schema);
  } finally {
    client.release();
  }
}
