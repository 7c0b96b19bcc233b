import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type RouteOptions } from 'fastify';
import cookie from '@fastify/cookie';
import formbody from '@fastify/formbody';
import csrf from '@fastify/csrf-protection';
import type { Context } from '../context.ts';
import { authPlugin } from './auth/plugin.ts';
import { csrfOptions } from './auth/csrf.ts';
import { answerRouterError, installErrorHandler } from './error-handler.ts';
import { BODY_LIMIT_BYTES, MAX_PARAM_LENGTH, refuseUnstorableText } from './request-guards.ts';
import { apiRoutes } from './routes/api/index.ts';
import { uiRoutes } from './routes/ui/index.ts';

export interface ServerOptions {
  /** Log requests through the context's logger (off in tests). */
  logRequests?: boolean;
  /** Called with every route as it is added (the route-role test uses it so that no route escapes its table). */
  onRoute?: (route: RouteOptions) => void;
}

/**
 * The API and the review UI in one Fastify instance, over the same context as the workers: `/api/*`, `/healthz`,
 * `/readyz`, `/metrics`, `/openapi.json`, `/docs`, the UI pages, and `/admin/queues`.
 */
export async function buildServer(ctx: Context, options: ServerOptions = {}): Promise<FastifyInstance> {
  const app: FastifyInstance = Fastify({
    ...(options.logRequests ? { loggerInstance: ctx.logger as FastifyBaseLogger } : {}),
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: false,
    // Ids in URLs are numbers; anything else is a 400 from the schemas, not a 500 from Postgres.
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    frameworkErrors: answerRouterError,
  });
  if (options.onRoute) app.addHook('onRoute', options.onRoute);
  installErrorHandler(app);
  refuseUnstorableText(app);
  const secret = ctx.config.sessionSecret ?? randomBytes(32).toString('hex');
  await app.register(cookie, { secret });
  await app.register(formbody);
  await app.register(csrf, csrfOptions(secret));
  await app.register(authPlugin, { pool: ctx.pool, sessionTtlMs: ctx.config.sessionTtlMs });
  await app.register(apiRoutes, { ctx });
  await app.register(uiRoutes, { ctx, secret });
  return app;
}
