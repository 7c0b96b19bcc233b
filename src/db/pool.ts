import pg from 'pg';
import { ServiceUnavailableError } from '../errors/index.ts';

// bigint ids and counts come back as JS numbers: they stay far below 2^53 for this data.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export type Pool = pg.Pool;
/** Anything a query can run on: the pool, or a client inside a transaction. */
export type Queryable = pg.Pool | pg.PoolClient;

/** A pool with bounded waits, so a Postgres that stops answering fails a job instead of wedging it. */
export function createPool(databaseUrl: string, options: { max?: number } = {}): pg.Pool {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: options.max ?? 10,
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 60_000,
    // The server cannot enforce statement_timeout when it, or the network to it, has gone silent: the client gives
    // up a little later on its own, and keepalives notice a dead peer on an idle connection.
    query_timeout: 75_000,
    keepAlive: true,
    application_name: 'scrubwatch',
  });
  // An idle client losing its connection must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** Runs the smallest statement there is: it fails when the database does not answer. */
export async function pingDatabase(db: Queryable): Promise<void> {
  await db.query('select 1');
}

/** Fails fast with a message that says what to check when Postgres cannot be reached. */
export async function assertDatabaseReachable(pool: pg.Pool, databaseUrl: string): Promise<void> {
  try {
    await pingDatabase(pool);
  } catch (err) {
    const where = redactUrl(databaseUrl);
    throw new ServiceUnavailableError(
      'postgres',
      `cannot reach Postgres at ${where}: ${(err as Error).message}; check DATABASE_URL and that the server is running (and the database exists)`,
      { cause: err },
    );
  }
}

/**
 * Runs `fn` on a client checked out of the pool; `broken()` says whether its connection dropped meanwhile. A
 * checked-out client whose connection drops emits 'error' as well as failing its query; the pool listens only to
 * idle clients, and an unheard 'error' would end the process. A broken client is closed, not handed on.
 */
export async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient, broken: () => boolean) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (err: Error) => {
    broken = err;
  };
  client.on('error', onError);
  try {
    return await fn(client, () => broken !== undefined);
  } finally {
    client.off('error', onError);
    client.release(broken ?? false);
  }
}

/** Runs `fn` in one transaction, committing on success and rolling back on any error. */
export async function withTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  return withClient(pool, async (client, broken) => {
    try {
      await client.query('begin');
      const result = await fn(client);
      await client.query('commit');
      return result;
    } catch (err) {
      if (!broken()) await client.query('rollback').catch(() => undefined);
      throw err;
    }
  });
}

/** A connection URL with its password hidden, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}
