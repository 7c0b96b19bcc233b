import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import { renderErrorPage, requirePage } from '../../ui/page.ts';
import { jsonBodiesOnly } from '../../request-guards.ts';
import type { UiOptions } from './ui-options.ts';

export const QUEUES_PATH = '/admin/queues';

/**
 * The queue dashboard (`@bull-board`): the capture, tweet and notify queues, for admins only. Registered under
 * QUEUES_PATH in a scope of its own, because the board brings its own template engine.
 */
export async function queueRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;
  if (ctx.queueBackend.kind !== 'redis') {
    // The board reads Redis itself (INFO, key scans): it cannot show queues kept in Postgres.
    app.addHook('preHandler', requirePage('queues:admin', views));
    const message = `The queue dashboard needs the queues on Redis; in the ${ctx.mode} mode they are in the Postgres schema ${ctx.config.queueSchema}. /metrics counts the jobs of each queue.`;
    const unavailable = async (request: FastifyRequest, reply: FastifyReply) =>
      reply.code(501).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderErrorPage(views, request, reply, 501, message));
    app.get('/', unavailable);
    app.get('/*', unavailable);
    return;
  }

  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(QUEUES_PATH);
  createBullBoard({
    queues: [new BullMQAdapter(ctx.captureQueue), new BullMQAdapter(ctx.tweetQueue), new BullMQAdapter(ctx.notifyQueue)],
    serverAdapter,
    options: { uiConfig: { boardTitle: 'scrubwatch queues' } },
  });
  app.addHook('preHandler', requirePage('queues:admin', views));
  // The board's own API changes queues with a session cookie and no CSRF token: JSON only keeps forms out.
  jsonBodiesOnly(app);
  await app.register(serverAdapter.registerPlugin());
}
