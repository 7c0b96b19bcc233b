import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/http/server.ts';
import { createApiToken, type Role } from '../../src/db/api-tokens.ts';
import { createTestContext } from './context.ts';

/** A server over a real context on a test database, with one token per role, for `app.inject()` tests. */
export interface TestServer {
  app: FastifyInstance;
  ctx: Awaited<ReturnType<typeof createTestContext>>;
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
