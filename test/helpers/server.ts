import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { buildServer } from '../../src/http/server.ts';
import { createApiToken, type Role } from '../../src/db/api-tokens.ts';
import { createTestContext, type TestContext } from './context.ts';
import { createTestDatabase, type TestDatabase } from './database.ts';

/** A server over a real context on a test database, with one token per role, for `app.inject()` tests. */
export interface TestServer {
  app: FastifyInstance;
  ctx: TestContext;
  tokens: Record<Role, string>;
  /** Headers that authenticate as `role`. */
  as(role: Role): { authorization: string };
  dispose(): Promise<void>;
}

export async function createTestServer(databaseUrl: string, extraEnv: Record<string, string> = {}): Promise<TestServer> {
  const ctx = await createTestContext(databaseUrl, extraEnv);
  const app = await buildServer(ctx);
  const tokens = {} as Record<Role, string>;
  for (const role of ['admin', 'operator', 'reviewer', 'researcher'] as const) {
    tokens[role] = (await createApiToken(ctx.pool, role, `${role} (test)`)).secret;
  }
  return {
    app,
    ctx,
    tokens,
    as: (role) => ({ authorization: `Bearer ${tokens[role]}` }),
    async dispose() {
      await app.close();
      await ctx.dispose();
    },
  };
}

/** Gives the calling test file its own database and test server (`env` added), before its tests, and takes them down after. */
export function useTestServer(env: Record<string, string> = {}): { readonly server: TestServer } {
  let db: TestDatabase | undefined;
  let server: TestServer | undefined;
  beforeAll(async () => {
    db = await createTestDatabase();
    server = await createTestServer(db.url, env);
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });
  return {
    get server() {
      if (!server) throw new Error('the test server is used before its beforeAll ran');
      return server;
    },
  };
}
