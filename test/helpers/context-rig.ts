import { afterAll, beforeAll } from 'vitest';
import { createTestContext, type TestContext } from './context.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** What a test file that works on a real context works with: read its fields inside tests and hooks. */
export interface ContextRig {
  readonly db: TestDatabase;
  readonly ctx: TestContext;
}

/** The test environment a rig adds: a function when it names a service the file starts in an earlier `beforeAll`. */
export type RigEnv = Record<string, string> | (() => Record<string, string>);

/** Reads a rig's field, failing clearly when a test file reaches for it before the rig's `beforeAll` ran. */
export function ready<T>(value: T | undefined, rig: string, what: string): T {
  if (value === undefined) throw new Error(`the ${rig}'s ${what} is used before its beforeAll ran`);
  return value;
}

/**
 * Gives the calling test file (or describe block) its own database and a real context on it (`env` added to the
 * test environment), before its tests, and takes them down after. `env` is read once the hooks registered before
 * this call have run (a fake oEmbed, an SMTP catcher started there can be named in it). Hooks registered after
 * this call run after the rig is up and, vitest running `afterAll` hooks in reverse, are taken down before it.
 */
export function useContextRig(env: RigEnv = {}): ContextRig {
  let db: TestDatabase | undefined;
  let ctx: TestContext | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createTestContext(db.url, typeof env === 'function' ? env() : env);
  });
  afterAll(async () => {
    await ctx?.dispose();
    await db?.drop();
  });
  return {
    get db() {
      return ready(db, 'context rig', 'database');
    },
    get ctx() {
      return ready(ctx, 'context rig', 'context');
    },
  };
}
