import type { RunMode } from '../../src/config.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';
import { testEnv } from './context.ts';
import { tempDataDir } from './embedded.ts';
import { deletePrefixKeys, uniquePrefix } from './queue-prefix.ts';

export const MODES: readonly RunMode[] = ['redis', 'postgres-queue', 'embedded'];

/** One mode's private setting: its own test database (or data folder), queue prefix or schema. */
export interface ModeSetup {
  mode: RunMode;
  /** The environment of a process in this mode (testEnv's, with the URLs the mode leaves unset emptied). */
  env(extra?: Record<string, string>): Record<string, string>;
  /** The test database (Redis and Postgres-queue modes), null in the embedded mode. */
  db: TestDatabase | null;
  /** The data folder (embedded mode), null otherwise. */
  dataDir: string | null;
  dispose(): Promise<void>;
}

/**
 * Sets a mode up as a user would: empty values count as unset, so the Postgres-queue mode empties REDIS_URL and
 * the embedded mode both URLs. Each gets its own queue schema name, as the Postgres backend ignores the prefix.
 */
export async function setUpMode(mode: RunMode): Promise<ModeSetup> {
  const prefix = uniquePrefix();
  const schema = `q_${prefix.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`.slice(0, 60);
  const db = mode === 'embedded' ? null : await createTestDatabase();
  const dir = mode === 'embedded' ? await tempDataDir() : null;
  const unset: Record<string, string> =
    mode === 'redis' ? {} : mode === 'postgres-queue' ? { REDIS_URL: '' } : { REDIS_URL: '', DATABASE_URL: '', SCRUBWATCH_DATA_DIR: dir!.path };
  return {
    mode,
    db,
    dataDir: dir?.path ?? null,
    env: (extra = {}) => testEnv(db?.url ?? '', prefix, { SCRUBWATCH_QUEUE_SCHEMA: schema, ...unset, ...extra }),
    async dispose() {
      if (mode === 'redis') await deletePrefixKeys(prefix);
      await db?.drop();
      await dir?.remove();
    },
  };
}
