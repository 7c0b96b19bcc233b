import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { ROLES } from '../../auth/roles.ts';
import { parseTokenName, tokenNameSchema } from '../../auth/token-name.ts';
import { createApiToken, listApiTokens } from '../../../db/api-tokens.ts';
import { revokeToken } from '../../auth/revoke-token.ts';
import { idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

/** An API token as listed: never its secret (only its hash is kept). */
export const tokenShape = z.object({
  id: z.number().int(),
  name: z.string().nullable(),
  role: z.enum(ROLES as [string, ...string[]]),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});

const newTokenBody = z.strictObject({ role: z.enum(ROLES as [string, ...string[]]), name: tokenNameSchema.optional() });
const createdToken = tokenShape.extend({ token: z.string().describe('the bearer secret: shown only here') });

const revocationShape = z.object({
  id: z.number().int(),
  revoked: z.literal(true),
  endedSubscriptions: z.array(z.object({ id: z.number().int(), name: z.string(), channel: z.string() })).describe('the subscriptions the token had made, now inactive'),
  cancelledDeliveries: z.number().int().describe('their deliveries that were still to send'),
});

const TAG = 'tokens';

/** API tokens: admins list, create and revoke them (as `scrubwatch tokens` does). */
export async function tokenRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const manage = requireCapability('tokens:manage');

  app.get<{ Querystring: z.infer<typeof pageQuery> }>('/api/tokens', {
    schema: routeSchema('tokens:manage', TAG, 'List tokens, in id order, never their secrets', {
      querystring: jsonSchema(pageQuery),
      response: { 200: jsonSchema(pageOf(tokenShape), { io: 'output' }) },
    }),
    onRequest: manage,
  }, async (request) => {
    const { limit, cursor } = request.query;
    // Tokens are a handful per installation: read them all, then page like every other list.
    return toPage((await listApiTokens(ctx.pool)).filter((t) => cursor === undefined || t.id > cursor).slice(0, limit + 1), limit);
  });

  app.post<{ Body: z.infer<typeof newTokenBody> }>('/api/tokens', {
    schema: routeSchema('tokens:manage', TAG, 'Create a token; its secret is shown only in this answer', {
      body: jsonSchema(newTokenBody),
      response: { 201: jsonSchema(createdToken, { io: 'output' }) },
    }),
    onRequest: manage,
  }, async (request, reply) => {
    // The JSON Schema cannot carry the name's refinements (control characters): the same parse as the CLI's does.
    const name = request.body.name === undefined ? null : parseTokenName(request.body.name);
    const { token, secret } = await createApiToken(ctx.pool, request.body.role as (typeof ROLES)[number], name);
    return reply.code(201).send({ ...token, token: secret });
  });

  app.delete<{ Params: IdParams }>('/api/tokens/:id', {
    schema: routeSchema('tokens:manage', TAG, 'Revoke a token: its UI sessions end at their next request, the subscriptions it made stop (their unsent deliveries are cancelled, their feeds answer 410)', {
      params: jsonSchema(idParams),
      response: { 200: jsonSchema(revocationShape, { io: 'output' }) },
      errors: [404],
    }),
    onRequest: manage,
  }, async (request) => revokeToken(ctx.pool, request.params.id));
}
