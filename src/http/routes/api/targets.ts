import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { listTargetsPage, requireTarget, TARGET_STATES } from '../../../db/targets.ts';
import { listSourcesOfTarget } from '../../../db/source-reports.ts';
import { getTierState } from '../../../db/target-tiers.ts';
import { tierSummary } from '../../../tiers/tier-summary.ts';
import { SOURCE_KINDS } from '../../../sources/discovered.ts';
import { addTarget, removeTarget } from '../../../targets/manage-targets.ts';
import { newTargetSchema, targetOptionsSchema, type NewTargetInput } from '../../../targets/target-input.ts';
import { targetPatchSchema, updateTarget, type TargetPatch } from '../../../targets/update-target.ts';
import { checkThroughQueue, queueCheck } from '../../../checks/check-now.ts';
import { QUEUE } from '../../../queue/vocabulary.ts';
import { idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

/** A target as the API and the CLI's `--json` show it. */
export const targetShape = z.looseObject({
  id: z.number().int(),
  url: z.string(),
  kind: z.enum(['page', 'tweet']),
  tweetId: z.string().nullable(),
  name: z.string().nullable(),
  tags: z.array(z.string()),
  schedule: z.union([z.object({ every: z.string() }), z.object({ cron: z.string() })]),
  fetcher: z.enum(['browser', 'http']),
  options: targetOptionsSchema,
  state: z.enum(TARGET_STATES),
  lifecycle: z.enum(['live', 'suspect', 'removed', 'restored', 'blocked', 'unreachable']),
  seen: z.enum(['never_captured', 'never_answered', 'answered']).describe('whether it was ever captured, and whether its site ever answered'),
  lastFailure: z.string().nullable().describe('why the latest capture failed (an error code like dns, or a signal like server_error); null when it answered'),
  createdAt: z.string(),
  updatedAt: z.string(),
  sources: z
    .array(z.object({ id: z.number().int(), kind: z.enum(SOURCE_KINDS), url: z.string(), firstListedAt: z.string(), lastListedAt: z.string(), delistedAt: z.string().nullable() }))
    .optional()
    .describe('GET /api/targets/{id}: the sources that list the target, and since when'),
  tier: z
    .object({
      scriptDependent: z.boolean().nullable(),
      trustsValidators: z.boolean().nullable(),
      fullEvery: z.string(),
      lastFullCaptureAt: z.string().nullable(),
      lastFullSnapshotId: z.number().int().nullable(),
      nextFullCaptureDue: z.string().nullable(),
    })
    .optional()
    .describe('GET /api/targets/{id}: what two-tier checking learned at its last full browser capture (nulls before the first), its fullEvery, and when the next full capture is due'),
});

const listQuery = pageQuery.extend({
  tag: z.string().min(1).max(64).optional().describe('only targets with this tag'),
  state: z.enum(TARGET_STATES).optional().describe('only targets in this state; screened ones are listed only when asked for'),
  source: z.number().int().positive().optional().describe('only the targets this source lists (or listed)'),
  q: z.string().min(1).max(200).optional().describe('text anywhere in the URL or the name, case-insensitive'),
});
type ListQuery = z.infer<typeof listQuery>;

const checkQuery = z.object({ wait: z.boolean().default(false).describe('wait for the capture (up to 2 minutes) and answer its result') });

const queuedCheck = z.object({ targetId: z.number().int(), jobId: z.string(), queue: z.enum([QUEUE.capture, QUEUE.tweet]) });

/** How long `?wait=true` holds the request for a capture: longer than one capture's own limit. */
const CHECK_WAIT_MS = 120_000;

const TAG = 'targets';

/** Targets: operators manage them, reviewers and operators read them. */
export async function targetRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const target = jsonSchema(targetShape, { io: 'output' });

  app.get<{ Querystring: ListQuery }>('/api/targets', {
    schema: routeSchema('targets:read', TAG, 'List targets (filter by tag, state, source, text; paginated by id)', {
      querystring: jsonSchema(listQuery),
      response: { 200: jsonSchema(pageOf(targetShape), { io: 'output' }) },
    }),
    onRequest: requireCapability('targets:read'),
  }, async (request) => {
    const { limit, cursor, tag, state, source, q } = request.query;
    return toPage(await listTargetsPage(ctx.pool, { tag, state, source, text: q, after: cursor, limit: limit + 1 }), limit);
  });

  app.post<{ Body: NewTargetInput }>('/api/targets', {
    schema: routeSchema('targets:write', TAG, 'Watch a page or a tweet: validated, stored, scheduled, first capture queued', {
      body: jsonSchema(z.strictObject(newTargetSchema.shape)),
      response: { 201: target },
      errors: [409],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request, reply) => reply.code(201).send(await addTarget(ctx, request.body)));

  app.get<{ Params: IdParams }>('/api/targets/:id', {
    schema: routeSchema('targets:read', TAG, 'Show a target', { params: jsonSchema(idParams), response: { 200: target }, errors: [404] }),
    onRequest: requireCapability('targets:read'),
  }, async (request) => {
    const found = await requireTarget(ctx.pool, request.params.id);
    const [sources, state] = await Promise.all([listSourcesOfTarget(ctx.pool, found.id), getTierState(ctx.pool, found.id)]);
    return { ...found, tier: tierSummary(found.options, state), sources };
  });

  app.patch<{ Params: IdParams; Body: TargetPatch }>('/api/targets/:id', {
    schema: routeSchema('targets:write', TAG, 'Change a target: name, tags, schedule (every or cron), fetcher, options (merged), paused', {
      params: jsonSchema(idParams),
      body: jsonSchema(targetPatchSchema, { stripDefaults: true }),
      response: { 200: target },
      errors: [404],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request) => updateTarget(ctx, request.params.id, request.body));

  app.delete<{ Params: IdParams }>('/api/targets/:id', {
    schema: routeSchema('targets:write', TAG, 'Remove a target with its schedule, snapshots, changes and alerts; answers the removed target', {
      params: jsonSchema(idParams),
      response: { 200: target },
      errors: [404],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request) => removeTarget(ctx, request.params.id));

  app.post<{ Params: IdParams; Querystring: z.infer<typeof checkQuery> }>('/api/targets/:id/check', {
    schema: routeSchema('targets:write', TAG, 'Capture now through the queue: 202 with the job id, or with ?wait=true the new snapshot, change and alerts', {
      params: jsonSchema(idParams),
      querystring: jsonSchema(checkQuery),
      response: { 202: jsonSchema(queuedCheck, { io: 'output' }) },
      errors: [404, 503],
    }),
    onRequest: requireCapability('targets:write'),
  }, async (request, reply) => {
    const found = await requireTarget(ctx.pool, request.params.id);
    if (request.query.wait) {
      const [result] = await checkThroughQueue(ctx, [found], CHECK_WAIT_MS, () => undefined);
      return reply.code(200).send(result);
    }
    return reply.code(202).send(await queueCheck(ctx, found));
  });
}
