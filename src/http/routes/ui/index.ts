import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';

/** The review UI: server-rendered pages for operators, reviewers and researchers. */
export async function uiRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  void options;
  app.get('/', async (_request, reply) => reply.redirect('/alerts'));
}
