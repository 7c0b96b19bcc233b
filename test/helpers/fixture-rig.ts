import { afterAll, beforeAll } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { ready, useContextRig, type ContextRig, type RigEnv } from './context-rig.ts';

/** What a test file that captures the fixture site works with: read its fields inside tests and hooks. */
export interface FixtureRig extends ContextRig {
  readonly site: FixtureSite;
}

/**
 * Gives the calling test file (or describe block) its own database, a real context on it (`env` added to the
 * test environment, as in useContextRig) and a fixture news site, before its tests, and takes them down after.
 */
export function useFixtureRig(env: RigEnv = {}): FixtureRig {
  const base = useContextRig(env);
  let site: FixtureSite | undefined;
  beforeAll(async () => {
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await site?.close();
  });
  return {
    get db() {
      return base.db;
    },
    get ctx() {
      return base.ctx;
    },
    get site() {
      return ready(site, 'fixture rig', 'site');
    },
  };
}
