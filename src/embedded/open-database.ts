import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { EmbeddedPostgres } from './embedded-postgres.ts';

/** The Postgres a process works on, and the embedded database it opened for that, if it opened one. */
export interface OpenedDatabase {
  url: string;
  /** Set when this process owns the embedded data folder (and must close it); null otherwise. */
  embedded: EmbeddedPostgres | null;
  /** In the embedded mode: whether this process owns the folder or talks to the process that does; else null. */
  access: 'owner' | 'attached' | null;
}

/**
 * How a process reaches the embedded database: `own` opens the data folder, failing at once (DataDirLockedError)
 * when another process owns it — for the long-running roles; `attach` talks to the owner's loopback socket when a
 * scrubwatch process runs on the folder, and opens the folder itself only when none does — for CLI commands.
 */
export type EmbeddedAccess = 'own' | 'attach';

/** DATABASE_URL, or in the embedded mode the embedded database, reached as `access` says. */
export async function openDatabase(config: Config, logger: Logger, access: EmbeddedAccess): Promise<OpenedDatabase> {
  if (config.databaseUrl !== undefined) return { url: config.databaseUrl, embedded: null, access: null };
  // Loaded only here: PGlite takes a quarter of a second to load, which every CLI command would pay otherwise.
  const { runningEmbeddedUrl, startEmbeddedPostgres } = await import('./embedded-postgres.ts');
  if (access === 'attach') {
    const running = await runningEmbeddedUrl(config.dataDir);
    if (running !== null) return { url: running, embedded: null, access: 'attached' };
  }
  const embedded = await startEmbeddedPostgres({ dataDir: config.dataDir, queueSchema: config.queueSchema, logger });
  return { url: embedded.url, embedded, access: 'owner' };
}
