import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import type { Logger } from 'pino';
import { AppError, ServiceUnavailableError } from '../errors/index.ts';
import { acquireDataDirLock, readDataDirOwner } from './data-dir-lock.ts';
import { pinSearchPath } from './search-path.ts';
import { LOOPBACK, startSessionServer, type SessionServer } from './session-server.ts';

/** The PGlite files' folder inside the data folder (beside the lock file). */
export const PGDATA_DIR = 'pgdata';
/** How long a statement waits for the session while another connection holds it, unless told otherwise. */
export const DEFAULT_LEASE_TIMEOUT_MS = 30_000;

export interface EmbeddedPostgresOptions {
  /** The data folder (SCRUBWATCH_DATA_DIR); created when missing. */
  dataDir: string;
  /** BullMQ's schema, put on the session's search_path after public. */
  queueSchema: string;
  logger: Logger;
  /** Loopback port to serve on; 0 (the default) picks a free one. */
  port?: number;
  leaseTimeoutMs?: number;
}

export interface EmbeddedPostgres {
  /** A connection string for `pg` pools and BullMQ's Postgres backend (127.0.0.1, with a per-run password). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  /** Closes the socket server (rolling back what clients left open), then PGlite, then gives up the folder. */
  close(): Promise<void>;
}

/**
 * Opens the embedded Postgres in `dataDir` and serves it on a loopback port. Fails at once with
 * DataDirLockedError when another live process owns the folder; PGlite itself would let two processes open it and
 * corrupt it. The port and password are written into the lock file for CLI commands (see runningEmbeddedUrl).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = resolve(options.dataDir);
  const lock = await acquireDataDirLock(dataDir).catch((err: unknown) => {
    if (err instanceof AppError) throw err;
    throw new ServiceUnavailableError('postgres', `cannot use the data folder ${dataDir}: ${(err as Error).message}; check SCRUBWATCH_DATA_DIR and the folder's permissions`, { cause: err });
  });
  const pgdata = join(dataDir, PGDATA_DIR);
  let db: PGlite | null = null;
  let server: SessionServer | null = null;
  try {
    if (!existsSync(pgdata)) options.logger.info({ dataDir }, 'creating the embedded database (first run only)');
    try {
      // unaccent is what search folds accents with (sql/010_search.sql): loaded so both backends search alike.
      db = await PGlite.create(pgdata, { extensions: { unaccent } });
    } catch (err) {
      throw new ServiceUnavailableError('postgres', `cannot open the embedded database in ${pgdata}: ${(err as Error).message}; check the folder's permissions and free space`, { cause: err });
    }
    await pinSearchPath(db, options.queueSchema);
    const password = randomBytes(18).toString('base64url');
    server = await startSessionServer({
      db,
      port: options.port ?? 0,
      password,
      leaseTimeoutMs: options.leaseTimeoutMs ?? DEFAULT_LEASE_TIMEOUT_MS,
      logger: options.logger,
    });
    await lock.publish(server.port, password);
    const opened = db;
    const serving = server;
    let closing: Promise<void> | null = null;
    return {
      url: serving.url,
      port: serving.port,
      dataDir,
      close() {
        closing ??= (async () => {
          try {
            await serving.close();
            await opened.close();
          } finally {
            await lock.release();
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    await server?.close().catch(() => undefined);
    await db?.close().catch(() => undefined);
    await lock.release();
    throw err;
  }
}

/** The URL of the embedded database a running scrubwatch process serves from `dataDir`, or null when none runs. */
export async function runningEmbeddedUrl(dataDir: string): Promise<string | null> {
  const owner = await readDataDirOwner(dataDir);
  if (owner === null || owner.port === null || owner.password === null) return null;
  return `postgres://postgres:${encodeURIComponent(owner.password)}@${LOOPBACK}:${owner.port}/postgres`;
}
