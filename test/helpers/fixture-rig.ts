import { afterAll, beforeAll } from 'vitest';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { createTestContext, type TestContext } from './context.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** What a test file that captures the fixture site works with: read its fields inside tests and hooks. */
export interface FixtureRig {
  readonly db: TestDatabase;
  readonly ctx: TestContext;
  readonly site: FixtureSite;
}

/**
 * Gives the calling test file (or describe block) its own database, a real context on it (`env` added to the
 * test environment) and a fixture news site, before its tests, and takes them down after. `env` may be a function
 * when it names a service the file starts in an earlier `beforeAll` (a fake oEmbed, an SMTP catcher): it is read
 * once that hook has run. Hooks the file registers after this call run after the rig is up and, vitest running
 * `afterAll` hooks in reverse, are taken down before it.
 */
export function useFixtureRig(env: Record<string, string> | (() => Record<string, string>) = {}): FixtureRig {
  let db: TestDatabase | undefined;
  let ctx: TestContext | undefined;
  let site: FixtureSite | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createTestContext(db.url, typeof env === 'function' ? env() : env);
    site = await startFixtureSite();
  });
  afterAll(async () => {
    await ctx?.dispose();
    await site?.close();
    await db?.drop();
  });
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`the fixture rig's ${what} is used before its beforeAll ran`);
    return value;
  };
  return {
    get db() {
      return ready(db, 'database');
    },
    get ctx() {
      return ready(ctx, 'context');
    },
    get site() {
      return ready(site, 'site');
    },
  };
}
