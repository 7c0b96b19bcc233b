import type { Eta } from 'eta';
import type { FastifyReply, FastifyRequest, onRequestAsyncHookHandler, preHandlerAsyncHookHandler } from 'fastify';
import type {} from '@fastify/view';
import type {} from '@fastify/csrf-protection';
import { can, type Capability } from '../auth/roles.ts';
import { csrfBinding } from '../auth/csrf.ts';
import { crossOriginReason } from '../auth/same-origin.ts';
import { helpers } from './views.ts';

/** Security headers of every UI page: no script but our own file, no framing, nothing cached. */
export const PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  // The archived HTML of a snapshot, itself served sandboxed by the API.
  "frame-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * An id in a page's URL: a positive integer a Postgres bigint holds, so `/targets/99999999999999999999` is a 400
 * page rather than a database error.
 */
export const PAGE_ID = { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER } as const;
export const PAGE_ID_PARAMS = { type: 'object', properties: { id: PAGE_ID }, required: ['id'] } as const;

declare module 'fastify' {
  interface FastifyInstance {
    /** Whether this server offers the queue dashboard (only with the queues on Redis); the nav links it only then. */
    queueBoardOffered?: boolean;
  }
}

/** What every template gets besides its own data. */
function locals(request: FastifyRequest, reply: FastifyReply): Record<string, unknown> {
  const principal = request.principal;
  return {
    principal,
    csrf: reply.generateCsrf({ userInfo: csrfBinding(request) }),
    can: (capability: Capability) => (principal ? can(principal.role, capability) : false),
    path: request.url.split('?')[0],
    queueBoardOffered: request.server.queueBoardOffered === true,
    h: helpers,
  };
}

/** Renders a page template (which uses the layout) with the session's principal and a CSRF token bound to the session. */
export function renderPage(request: FastifyRequest, reply: FastifyReply, template: string, data: Record<string, unknown>, status = 200): FastifyReply {
  return reply.code(status).header('cache-control', 'no-store').view(template, { ...locals(request, reply), ...data });
}

/** The error page as a string, for scopes without the view decorator (the queue dashboard). */
export function renderErrorPage(views: Eta, request: FastifyRequest, reply: FastifyReply, status: number, message: string): string {
  return views.render('error', { ...locals(request, reply), title: status === 403 ? 'Not allowed' : 'Error', status, message });
}

/** A local path to go back to after signing in; anything else (another host, `//evil`) becomes `/`. */
export function safeNext(next: unknown, fallback = '/'): string {
  return typeof next === 'string' && /^\/(?![/\\])[^\s]*$/.test(next) ? next : fallback;
}

/**
 * A preHandler for UI routes: without a session it sends the browser to the sign-in page (and back afterwards);
 * without the capability it answers a 403 page.
 */
export function requirePage(capability: Capability, views: Eta): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    if (!request.principal) {
      const next = request.method === 'GET' ? request.url : '/';
      await reply.redirect(`/signin?next=${encodeURIComponent(next)}`, 303);
      return;
    }
    if (!can(request.principal.role, capability)) {
      const message = `Signed in as a ${request.principal.role}, you may not do this (it needs ${capability}).`;
      await reply.code(403).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderErrorPage(views, request, reply, 403, message));
    }
  };
}

/**
 * An onRequest hook for the UI's scopes: a state-changing request a browser sent from anywhere but a page of this
 * origin is a 403 page, before its body is read or its CSRF token looked at. `publicOrigin` is SCRUBWATCH_PUBLIC_URL's.
 */
export function refuseCrossOrigin(views: Eta, publicOrigin: string): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const reason = crossOriginReason(request, publicOrigin);
    if (!reason) return;
    const message = `Refused, because ${reason}. Go back to scrubwatch, reload the page and try again there.`;
    await reply.code(403).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(renderErrorPage(views, request, reply, 403, message));
  };
}
