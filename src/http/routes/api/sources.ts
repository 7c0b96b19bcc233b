import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { listSourcesPage } from '../../../db/sources.ts';
import { SOURCE_KINDS } from '../../../sources/discovered.ts';
import { addSource, removeSource, requireSource, runSourceNow } from '../../../sources/manage-sources.ts';
import { newSourceSchema, type NewSourceInput } from '../../../sources/source-model.ts';
import { reportSource, summariseSources } from '../../../sources/source-report.ts';
import { queueSourceRun, sourcePatchSchema, updateSource, type SourcePatch } from '../../../sources/update-source.ts';
import { QUEUE } from '../../../queue/vocabulary.ts';
import { idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

const problem = z.object({ type: z.literal('problem'), code: z.string(), url: z.string(), message: z.string() });

/** What one read of a source did: the answer of `POST /api/sources/{id}/run?wait=true`, and a source's `lastRun`. */
export const runResultShape = z.object({
  discovered: z.number().int(),
  added: z.number().int(),
  alreadyWatched: z.number().int().describe('pages already watched by a target (from any source, or added by hand)'),
  skipped: z.number().int().describe('pages left out: by include/exclude, or not a page scrubwatch may watch'),
  delisted: z.number().int().describe('pages this run found delisted (a complete source, two runs in a row)'),
  screenedOut: z.number().int().describe('pages --only-matching has set aside so far'),
  capped: z.boolean().describe('whether maxTargets stopped the run'),
  problems: z.array(problem).describe('what stopped reading short, each with a stable code'),
  warnings: z.array(z.string()),
});

const countsShape = z.object({
  pages: z.number().int().describe('every page (target) the source listed'),
  listed: z.number().int().describe('those it lists still'),
  delisted: z.number().int(),
  screening: z.number().int(),
  screenedOut: z.number().int(),
  lost: z.number().int().describe('pages whose target was since found removed'),
});

/** A source as the API and `sources list --json` show it. */
export const sourceShape = z.looseObject({
  id: z.number().int(),
  kind: z.enum(SOURCE_KINDS),
  url: z.string(),
  name: z.string().nullable(),
  include: z.array(z.string()),
  exclude: z.array(z.string()),
  every: z.string(),
  targetsEvery: z.string(),
  tags: z.array(z.string()),
  phrases: z.array(z.string()),
  maxTargets: z.number().int(),
  since: z.string().nullable(),
  onlyMatching: z.boolean(),
  complete: z.boolean(),
  ignoreRobots: z.boolean(),
  nextSelector: z.string().nullable(),
  pages: z.number().int(),
  state: z.enum(['active', 'paused']),
  lastRun: runResultShape.extend({ at: z.string() }).nullable(),
  counts: countsShape.optional(),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const lossShape = z.object({
  targetId: z.number().int(),
  url: z.string(),
  name: z.string().nullable(),
  delistedAt: z.string().nullable(),
  removed: z.boolean(),
  lifecycle: z.string(),
  firstListedAt: z.string(),
  lastListedAt: z.string(),
});
const reportShape = sourceShape.extend({ counts: countsShape, losses: z.array(lossShape).describe('pages it delisted or lost, most recent first') });

const runQuery = z.object({ wait: z.boolean().default(false).describe('wait for the read (up to 10 minutes) and answer its result') });
const queuedRun = z.object({ sourceId: z.number().int(), jobId: z.string(), queue: z.literal(QUEUE.discover) });

/** How long `?wait=true` holds the request for a read: a 50,000-page sitemap is read in under a minute. */
const RUN_WAIT_MS = 600_000;

const TAG = 'sources';

/** Sources: the same roles as targets — operators manage them, reviewers and operators read them. */
export async function sourceRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const source = jsonSchema(sourceShape, { io: 'output' });

  app.get<{ Querystring: z.infer<typeof pageQuery> }>('/api/sources', {
    schema: routeSchema('targets:read', TAG, 'List sources with their counts (paginated by id)', {
      querystring: jsonSchema(pageQuery),
      response: { 200: jsonSchema(pageOf(sourceShape), { io: 'output' }) },
    }),
    onRequest: requireCapability('targets:read'),
  }, async (request) => {
    const { limit, cursor } = request.query;
    return toPage(await summariseSources(ctx.pool, await listSourcesPage(ctx.pool, { after: cursor, limit: limit + 1 })), limit);
  });

  app.post<{ Body: NewSourceInput }>('/api/sources', {
    schema: routeSchema('targets:write', TAG, 'Add a source: validated, stored, scheduled (its first read one interval from now)', {
      body: jsonSchema(z.strictObject(newSourceSchema.shape)),
      response: { 201: source },
      errors: [409],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request, reply) => reply.code(201).send(await addSource(ctx, request.body)));

  app.get<{ Params: IdParams }>('/api/sources/:id', {
    schema: routeSchema('targets:read', TAG, 'Show a source: settings, counts, last run, and the pages it delisted or lost', {
      params: jsonSchema(idParams),
      response: { 200: jsonSchema(reportShape, { io: 'output' }) },
      errors: [404],
    }),
    onRequest: requireCapability('targets:read'),
  }, async (request) => reportSource(ctx.pool, await requireSource(ctx, request.params.id)));

  app.patch<{ Params: IdParams; Body: SourcePatch }>('/api/sources/:id', {
    schema: routeSchema('targets:write', TAG, 'Change a source: its settings (not kind or url) and paused; the schedule follows', {
      params: jsonSchema(idParams),
      body: jsonSchema(sourcePatchSchema, { stripDefaults: true }),
      response: { 200: source },
      errors: [404],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request) => updateSource(ctx, request.params.id, request.body));

  app.delete<{ Params: IdParams }>('/api/sources/:id', {
    schema: routeSchema('targets:write', TAG, 'Remove a source and its schedule; the targets it made stay. Answers the removed source', {
      params: jsonSchema(idParams),
      response: { 200: source },
      errors: [404],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request) => removeSource(ctx, request.params.id));

  app.post<{ Params: IdParams; Querystring: z.infer<typeof runQuery> }>('/api/sources/:id/run', {
    schema: routeSchema('targets:write', TAG, 'Read a source now through the queue: 202 with the job id, or with ?wait=true the run result', {
      params: jsonSchema(idParams),
      querystring: jsonSchema(runQuery),
      response: { 200: jsonSchema(runResultShape, { io: 'output' }), 202: jsonSchema(queuedRun, { io: 'output' }) },
      errors: [404, 502, 503],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request, reply) => {
    if (request.query.wait) return reply.code(200).send(await runSourceNow(ctx, request.params.id, RUN_WAIT_MS));
    return reply.code(202).send(await queueSourceRun(ctx, request.params.id));
  });
}
