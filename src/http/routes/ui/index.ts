import type { FastifyError, FastifyInstance } from 'fastify';
import view from '@fastify/view';
import fastifyStatic from '@fastify/static';
import type { Context } from '../../../context.ts';
import { AppError } from '../../../errors/index.ts';
import { createViews, STATIC_DIR, VIEWS_DIR } from '../../ui/views.ts';
import { PAGE_CSP, refuseCrossOrigin, renderPage } from '../../ui/page.ts';
import { sessionRoutes } from './session.ts';
import { alertRoutes } from './alerts.ts';
import { targetRoutes } from './targets.ts';
import { sourceRoutes } from './sources.ts';
import { snapshotRoutes } from './snapshots.ts';
import { diffRoutes } from './diff.ts';
import { screenshotCropRoutes } from './screenshot-crops.ts';
import { searchRoutes } from './search.ts';
import { QUEUES_PATH, queueRoutes } from './queues.ts';
import { FrameMediaSigner } from '../../archived-frame.ts';
import type { UiOptions } from './ui-options.ts';

/** Typed errors whose message is meant for the person reading the page, and the status they answer. */
const STATUS_BY_CODE: Record<string, number> = { invalid_input: 400, blocked_url: 400, not_found: 404, duplicate_target: 409, duplicate_source: 409, check_failed: 502, source_run_failed: 502 };

/**
 * The review UI: server-rendered pages for operators, reviewers and researchers, and the queue dashboard. The
 * pages and the dashboard are sibling scopes because each registers its own template engine; both refuse
 * state-changing requests from other origins.
 */
export async function uiRoutes(app: FastifyInstance, options: { ctx: Context; secret: string }): Promise<void> {
  const views = createViews();
  const opts: UiOptions = { ctx: options.ctx, views, frameSigner: new FrameMediaSigner(options.secret) };
  // The board reads Redis itself: in the other modes its link is not shown (its route still explains why).
  app.decorate('queueBoardOffered', options.ctx.queueBackend.kind === 'redis');
  const sameOriginOnly = refuseCrossOrigin(views, new URL(options.ctx.config.publicUrl).origin);
  await app.register(async (pages) => {
    pages.addHook('onRequest', sameOriginOnly);
    await pages.register(view, { engine: { eta: views }, templates: VIEWS_DIR, production: true });
    await pages.register(fastifyStatic, { root: STATIC_DIR, prefix: '/static/', maxAge: '1h', index: false });
    pages.addHook('onSend', async (_request, reply, payload) => {
      if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', PAGE_CSP);
      reply.header('x-content-type-options', 'nosniff');
      // Not no-referrer: with it a browser sends `Origin: null` on our own forms, and an older one, without
      // Sec-Fetch-Site, would have them refused. Other sites still get no referrer.
      reply.header('referrer-policy', 'same-origin');
      return payload;
    });
    pages.setErrorHandler((err: FastifyError, request, reply) => {
      let status = 500;
      let message = 'Something went wrong; the server log has the details.';
      if (err.validation) [status, message] = [400, `Bad input: ${err.message}`];
      else if (err.code === 'FST_CSRF_INVALID_TOKEN' || err.code === 'FST_CSRF_MISSING_SECRET') {
        [status, message] = [403, 'This form was not sent from a page of this site, or it expired. Go back, reload the page and try again.'];
      } else if (err instanceof AppError && STATUS_BY_CODE[err.code]) [status, message] = [STATUS_BY_CODE[err.code]!, err.message];
      else if (typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500) [status, message] = [err.statusCode, err.message];
      if (status >= 500) request.log.error({ err }, 'ui request failed');
      return renderPage(request, reply, 'error', { title: status === 403 ? 'Not allowed' : status === 404 ? 'Not found' : 'Error', message }, status);
    });
    pages.get('/', async (request, reply) => reply.redirect(request.principal ? '/alerts' : '/signin', 303));
    await pages.register(sessionRoutes, opts);
    await pages.register(alertRoutes, opts);
    await pages.register(targetRoutes, opts);
    await pages.register(sourceRoutes, opts);
    await pages.register(snapshotRoutes, opts);
    await pages.register(diffRoutes, opts);
    await pages.register(screenshotCropRoutes, opts);
    await pages.register(searchRoutes, opts);
  });
  await app.register(async (board) => {
    board.addHook('onRequest', sameOriginOnly);
    await board.register(queueRoutes, opts);
  }, { prefix: QUEUES_PATH });
}

