import type { FastifyInstance } from 'fastify';
import { findApiToken } from '../../../db/api-tokens.ts';
import { countFailure, signIn, signOut, tooManyFailures } from '../../auth/plugin.ts';
import { renderPage, safeNext } from '../../ui/page.ts';
import type { UiOptions } from './ui-options.ts';

interface SignInBody {
  token?: string;
  next?: string;
}

/** Signing in with an API token (a session cookie follows) and signing out. */
export async function sessionRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx } = options;

  app.get<{ Querystring: { next?: string } }>('/signin', async (request, reply) => {
    const next = safeNext(request.query.next, '/alerts');
    if (request.principal) return reply.redirect(next, 303);
    return renderPage(request, reply, 'signin', { title: 'Sign in', next });
  });

  app.post<{ Body: SignInBody }>('/signin', { preHandler: app.csrfProtection }, async (request, reply) => {
    const next = safeNext(request.body?.next, '/alerts');
    const wait = app.failedAuth.retryAfterSeconds(request.ip);
    if (wait > 0) {
      const error = `Too many failed sign-ins from this address. Try again in ${wait} seconds.`;
      return renderPage(request, tooManyFailures(reply, wait), 'signin', { title: 'Sign in', next, error }, 429);
    }
    const secret = typeof request.body?.token === 'string' ? request.body.token.trim() : '';
    const token = secret ? await findApiToken(ctx.pool, secret) : null;
    if (!token) {
      countFailure(app, request);
      return renderPage(request, reply, 'signin', { title: 'Sign in', next, error: 'That token is unknown or revoked.' }, 401);
    }
    signIn(request, reply, token, ctx.config.sessionTtlMs);
    return reply.redirect(next, 303);
  });

  app.post('/signout', { preHandler: app.csrfProtection }, async (_request, reply) => {
    signOut(reply);
    return reply.redirect('/signin', 303);
  });
}
