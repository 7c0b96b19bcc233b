import type { FastifyInstance, FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import fp from 'fastify-plugin';
import type {} from '@fastify/cookie';
import type { Pool } from '../../db/pool.ts';
import { findApiToken, getApiToken, type ApiToken, type Role } from '../../db/api-tokens.ts';
import { can, type Capability } from './roles.ts';

/** Who is calling: the token behind a bearer header or a UI session. */
export interface Principal {
  tokenId: number;
  role: Role;
  name: string | null;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

export const SESSION_COOKIE = 'sw_session';
const SESSION_HOURS = 12;

function toPrincipal(t: ApiToken): Principal {
  return { tokenId: t.id, role: t.role, name: t.name };
}

/** Starts a UI session for a token: a signed, HTTP-only, same-site cookie, also `Secure` over HTTPS. */
export function signIn(request: FastifyRequest, reply: FastifyReply, token: ApiToken): void {
  const expires = Date.now() + SESSION_HOURS * 3_600_000;
  reply.setCookie(SESSION_COOKIE, `${token.id}.${expires}`, {
    signed: true,
    httpOnly: true,
    sameSite: 'strict',
    secure: request.protocol === 'https',
    path: '/',
    expires: new Date(expires),
  });
}

export function signOut(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

async function fromSession(pool: Pool, request: FastifyRequest): Promise<Principal | null> {
  const raw = request.cookies[SESSION_COOKIE];
  if (!raw) return null;
  const unsigned = request.unsignCookie(raw);
  if (!unsigned.valid || !unsigned.value) return null;
  const [id, expires] = unsigned.value.split('.').map(Number);
  if (!id || !expires || expires < Date.now()) return null;
  const token = await getApiToken(pool, id);
  return token ? toPrincipal(token) : null;
}

/**
 * Resolves every request's principal from `Authorization: Bearer <token>` or the UI's session cookie. Routes
 * then ask for a capability with `requireCapability`.
 */
export const authPlugin = fp(async (app: FastifyInstance, options: { pool: Pool }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      const token = await findApiToken(options.pool, header.slice('Bearer '.length).trim());
      request.principal = token ? toPrincipal(token) : null;
      return;
    }
    request.principal = await fromSession(options.pool, request);
  });
});

/** A preHandler that answers 401 without a principal and 403 without the capability. */
export function requireCapability(capability: Capability): preHandlerAsyncHookHandler {
  return async (request, reply) => {
    if (!request.principal) {
      await reply.code(401).send({ error: 'unauthorized', message: 'sign in, or send Authorization: Bearer <token> (create one with `scrubwatch tokens create`)' });
      return;
    }
    if (!can(request.principal.role, capability)) {
      await reply.code(403).send({ error: 'forbidden', message: `the ${request.principal.role} role may not do this (needs ${capability})` });
    }
  };
}
