import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { registerDocs } from './docs.ts';
import { targetRoutes } from './targets.ts';
import { sourceRoutes } from './sources.ts';
import { snapshotRoutes } from './snapshots.ts';
import { alertRoutes } from './alerts.ts';
import { subscriptionRoutes } from './subscriptions.ts';
import { tokenRoutes } from './tokens.ts';
import { metricsRoutes } from './metrics.ts';
import { feedRoutes } from './feeds.ts';
import { searchRoutes } from './search.ts';
import { savedSearchRoutes } from './searches.ts';
import { rejectUnknownFields } from './schemas.ts';
import { jsonBodiesOnly } from '../../request-guards.ts';
import { checkReadiness } from '../../../health/readiness.ts';

/** The REST API, the health and metrics endpoints, the Atom feeds, and the OpenAPI document and docs page. */
export async function apiRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  await registerDocs(app);
  jsonBodiesOnly(app);
  rejectUnknownFields(app);
  const { notifyQueue } = ctx;

  app.get('/healthz', { schema: { summary: 'The process is up', tags: ['health'] } }, async () => ({ status: 'ok' }));
  app.get('/readyz', { schema: { summary: 'Postgres, Redis and the browser answer (503 otherwise)', tags: ['health'] } }, async (_request, reply) => {
    const { ready, checks } = await checkReadiness(ctx);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks });
  });

  await app.register(targetRoutes, { ctx });
  await app.register(sourceRoutes, { ctx });
  await app.register(snapshotRoutes, { ctx });
  await app.register(alertRoutes, { ctx });
  await app.register(searchRoutes, { ctx });
  await app.register(savedSearchRoutes, { ctx });
  await app.register(subscriptionRoutes, { ctx, notifyQueue });
  await app.register(tokenRoutes, { ctx });
  await app.register(metricsRoutes, { ctx, notifyQueue });
  await app.register(feedRoutes, { ctx });
}
