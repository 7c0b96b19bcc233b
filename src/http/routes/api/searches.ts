import { z } from 'zod';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Context } from '../../../context.ts';
import { NotFoundError } from '../../../errors/index.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { can } from '../../auth/roles.ts';
import { getSavedSearch, listSavedSearchesPage, type SavedSearch } from '../../../db/saved-searches.ts';
import { removeSavedSearch, saveSearch } from '../../../search/saved-searches.ts';
import { triagedBy } from '../../../review/triage-alert.ts';
import { tagSchema } from '../../../targets/target-input.ts';
import { operatorText } from '../../../operator-text.ts';
import { parseInput } from '../../../invalid-input.ts';
import { idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

/** A saved search: a query whose matching pages raise `phrase_removed` when they stop matching. */
export const savedSearchShape = z.object({
  id: z.number().int(),
  query: z.string(),
  targetId: z.number().int().nullable(),
  tag: z.string().nullable(),
  sourceId: z.number().int().nullable(),
  createdBy: z.string().describe('the name of the token that kept it (`token #<id>` for an unnamed one), or `cli`'),
  ownerTokenId: z.number().int().nullable().describe('the token that kept it, which may remove it; null when kept from the CLI'),
  createdAt: z.string(),
});

const newSavedSearchBody = z.strictObject({
  query: z.string().describe('web-search syntax, as GET /api/search takes `q` (at most 500 characters)'),
  target: z.number().int().positive().optional().describe('watch only this target'),
  tag: tagSchema.optional().describe('watch only targets with this tag'),
  source: z.number().int().positive().optional().describe('watch only the targets this source lists'),
});
type NewSavedSearchBody = z.infer<typeof newSavedSearchBody>;

/**
 * A kept query is shown to everyone who lists saved searches (and in the alerts it raises): no control characters,
 * as for every text an operator gives. The JSON Schema cannot carry the refinement, so it is parsed here.
 */
const keptQuery = operatorText(z.string());

/** Whether the caller may remove `search`: its keeper (the same token, not just the same name), or an admin. */
function mayRemove(request: FastifyRequest, search: SavedSearch): boolean {
  const principal = request.principal!;
  return search.ownerTokenId === principal.tokenId || can(principal.role, 'searches:all');
}

async function requireSavedSearch(ctx: Context, id: number): Promise<SavedSearch> {
  const found = await getSavedSearch(ctx.pool, id);
  if (!found) throw new NotFoundError('saved search', id, 'GET /api/searches');
  return found;
}

function forbidden(reply: FastifyReply, search: SavedSearch): FastifyReply {
  const keeper = search.ownerTokenId === null ? 'the CLI' : `token #${search.ownerTokenId} (${search.createdBy})`;
  return reply.code(403).send({ error: 'forbidden', message: `saved search ${search.id} was kept by ${keeper}: only its keeper or an admin may remove it` });
}

const TAG = 'search';

/**
 * Saved searches: every role keeps them and sees everyone's (the `phrase_removed` alerts they raise are everyone's to
 * read); only the token that kept one, or an admin, removes it.
 */
export async function savedSearchRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const own = requireCapability('searches:own');
  const saved = jsonSchema(savedSearchShape, { io: 'output' });

  app.get<{ Querystring: z.infer<typeof pageQuery> }>('/api/searches', {
    schema: routeSchema('searches:own', TAG, 'List every saved search, whoever kept it, in id order', {
      querystring: jsonSchema(pageQuery),
      response: { 200: jsonSchema(pageOf(savedSearchShape), { io: 'output' }) },
    }),
    onRequest: own,
  }, async (request) => {
    const { limit, cursor } = request.query;
    return toPage(await listSavedSearchesPage(ctx.pool, { after: cursor, limit: limit + 1 }), limit);
  });

  app.post<{ Body: NewSavedSearchBody }>('/api/searches', {
    schema: routeSchema('searches:own', TAG, 'Keep a search: a page that matched it and stops matching raises phrase_removed. 201 when kept, 200 when this token already keeps the same search', {
      body: jsonSchema(newSavedSearchBody),
      response: { 200: saved, 201: saved },
      errors: [404],
    }),
    onRequest: own,
  }, async (request, reply) => {
    const { target, tag, source } = request.body;
    const principal = request.principal!;
    const { search, created } = await saveSearch(ctx.pool, {
      query: parseInput(keptQuery, request.body.query, ['query']),
      targetId: target ?? null,
      tag: tag ?? null,
      sourceId: source ?? null,
      createdBy: triagedBy(principal),
      ownerTokenId: principal.tokenId,
    });
    return reply.code(created ? 201 : 200).send(search);
  });

  app.get<{ Params: IdParams }>('/api/searches/:id', {
    schema: routeSchema('searches:own', TAG, 'Show a saved search', { params: jsonSchema(idParams), response: { 200: saved }, errors: [404] }),
    onRequest: own,
  }, async (request) => requireSavedSearch(ctx, request.params.id));

  app.delete<{ Params: IdParams }>('/api/searches/:id', {
    schema: routeSchema('searches:own', TAG, 'Remove a saved search: its keeper (the token that kept it) or an admin; the alerts it raised stay. Answers the removed search', {
      params: jsonSchema(idParams),
      response: { 200: saved },
      errors: [404],
    }),
    onRequest: own,
  }, async (request, reply) => {
    const search = await requireSavedSearch(ctx, request.params.id);
    if (!mayRemove(request, search)) return forbidden(reply, search);
    await removeSavedSearch(ctx.pool, search.id);
    return search;
  });
}
