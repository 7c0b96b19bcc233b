import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type {} from '@fastify/cookie';
import type { Pool } from '../../db/pool.ts';
import { findApiToken, getApiToken, type ApiToken, type Role } from '../../db/api-tokens.ts';
import { can, type Capability } from './roles.ts';
import { FailedAuthLimiter } from './failed-auth-limit.ts';

/** Who is calling: the token behind a bearer header or a UI session. */
export interface Principal {
  tokenId: number;
  role: Role;
  name: string | null;
  /** The UI session it came from (`<token id>.<issued at>`), or null for a bearer token. */
  session: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyInstance {
    /** Failed authentications per address, shared by bearer checks and the sign-in form. */
    failedAuth: FailedAuthLimiter;
  }
}

export const SESSION_COOKIE = 'sw_session';
/** A session cookie issued this far in the future (clock skew between servers sharing a secret) is still fine. */
const CLOCK_SKEW_MS = 60_000;

function toPrincipal(t: ApiToken, session: string | null): Principal {
  return { tokenId: t.id, role: t.role, name: t.name, session };
}

/**
 * Starts a UI session for a token: a signed, HTTP-only, same-site cookie (also `Secure` over HTTPS) holding the
 * token id and when it was issued. The server checks that time against SCRUBWATCH_SESSION_TTL on every request,
 * so a kept cookie does not outlive its session, and shortening the TTL ends older sessions too.
 */
export function signIn(request: FastifyRequest, reply: FastifyReply, token: ApiToken, ttlMs: number): void {
  const issuedAt = Date.now();
  reply.setCookie(SESSION_COOKIE, `${token.id}.${issuedAt}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    expires: new Date(issuedAt + ttlMs),
  });
}

export function signOut(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** The token a session cookie names, if its signature holds, it is within its TTL and the token is not revoked. */
async function fromSession(pool: Pool, ttlMs: number, request: FastifyRequest): Promise<Principal | null> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const match = /^(\d{1,15})\.(\d{13})$/.exec(unsigned.value);
  if (!match) return null;
  const [id, issuedAt] = [Number(match[1]), Number(match[2])];
  const now = Date.now();
  if (issuedAt > now + CLOCK_SKEW_MS || now - issuedAt >= ttlMs) return null;
  const token = await getApiToken(pool, id);
  return token ? toPrincipal(token, unsigned.value) : null;
}

/** What the auth plugin needs: the token store and how long a UI session lasts. */
export interface AuthOptions {
  pool: Pool;
  sessionTtlMs: number;
}

/** The 429 of an address that failed to authenticate too often: before any lookup, with when to try again. */
export function tooManyFailures(reply: FastifyReply, retryAfterSeconds: number): FastifyReply {
  return reply.code(429).header('retry-after', String(retryAfterSeconds));
}

/** Counts a failed authentication of the request's address, and logs the moment the address reaches the limit. */
export function countFailure(app: FastifyInstance, request: FastifyRequest): void {
  if (app.failedAuth.recordFailure(request.ip)) request.log.warn({ address: request.ip }, 'too many failed authentications: address refused for a while');
}

/**
 * Resolves every request's principal from `Authorization: Bearer <token>` or the UI's session cookie. Routes
 * then ask for a capability with `requireCapability`. Bearer secrets are looked up by their SHA-256, so the
 * database compares digests, never the secret itself; cookie signatures are checked by @fastify/cookie with
 * `timingSafeEqual`. A bearer token that matches no live token counts against its address: past the limit, any
 * bearer request from there is a 429 without a lookup.
 */
export const authPlugin = fp(async (app: FastifyInstance, options: AuthOptions) => {
  app.decorateRequest('principal', null);
  app.decorate('failedAuth', new FailedAuthLimiter());
  app.addHook('onRequest', async (request, reply) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const wait = app.failedAuth.retryAfterSeconds(request.ip);
      if (wait > 0) {
        return tooManyFailures(reply, wait).send({ error: 'too_many_failures', message: `too many failed authentications from this address; try again in ${wait} s` });
      }
      const token = await findApiToken(options.pool, header.slice('Bearer '.length).trim());
      if (!token) countFailure(app, request);
      request.principal = token ? toPrincipal(token, null) : null;
      return;
    }
    request.principal = await fromSession(options.pool, options.sessionTtlMs, request);
  });
});

/**
 * An onRequest hook of the API: 401 without a bearer token, 403 without the capability. Before the body is read or
 * validated, so a caller without the right learns nothing of a route's input rules. The UI's session cookie does
 * not count here: a browser attaches it to any request a page of the same site makes, so an API that took it could
 * be driven by such a page. The UI serves what its pages show through its own routes.
 */
export function requireCapability(capability: Capability): onRequestAsyncHookHandler {
  return async (request, reply) => {
    const principal = request.principal?.session === null ? request.principal : null;
    if (!principal) {
      await reply.code(401).send({ error: 'unauthorized', message: 'send Authorization: Bearer <token> (create one with `scrubwatch tokens create`); the API does not take the review UI\'s session cookie' });
      return;
    }
    if (!can(principal.role, capability)) {
      await reply.code(403).send({ error: 'forbidden', message: `the ${principal.role} role may not do this (needs ${capability})` });
    }
  };
}
