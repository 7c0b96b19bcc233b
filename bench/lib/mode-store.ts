import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunMode } from '../../src/config.ts';
import { createScratch } from './scratch.ts';
import type { WorkerEnv } from './workers.ts';

/** Where one run mode keeps data and queues for a benchmark, and the environment that selects it. */
export interface ModeStore {
  mode: RunMode;
  /** DATABASE_URL, REDIS_URL and what names the store; the two URLs set to undefined where the mode has none. */
  env: WorkerEnv;
  /** Drops the scratch database and Redis keys, or removes the data folder. */
  drop(): Promise<void>;
}

/**
 * A store of the benchmark's own for `mode`: a scratch database and Redis prefix (redis), a scratch database with
 * its own queue schema (postgres-queue), or a temporary data folder (embedded). The URLs are unset explicitly, so
 * a DATABASE_URL or REDIS_URL in the caller's environment cannot change the mode.
 */
export async function createModeStore(mode: RunMode): Promise<ModeStore> {
  if (mode === 'embedded') {
    const dataDir = mkdtempSync(join(tmpdir(), 'scrubwatch-bench-'));
    return {
      mode,
      env: { DATABASE_URL: undefined, REDIS_URL: undefined, SCRUBWATCH_DATA_DIR: dataDir },
      drop: async () => rmSync(dataDir, { recursive: true, force: true }),
    };
  }
  const scratch = await createScratch(mode === 'redis' ? 'modes_redis' : 'modes_pgqueue');
  const env: WorkerEnv =
    mode === 'redis'
      ? { DATABASE_URL: scratch.databaseUrl, REDIS_URL: scratch.redisUrl, SCRUBWATCH_QUEUE_PREFIX: scratch.prefix }
      : { DATABASE_URL: scratch.databaseUrl, REDIS_URL: undefined, SCRUBWATCH_QUEUE_SCHEMA: scratch.prefix.replaceAll('-', '_') };
  return { mode, env, drop: () => scratch.drop() };
}
