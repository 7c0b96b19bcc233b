import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { NotFoundError } from '../../../errors/index.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { getAlert, listAlertsPage } from '../../../db/alerts.ts';
import { triageAlert, triageNoteSchema, triagedBy } from '../../../review/triage-alert.ts';
import { alertKindSchema, alertStateSchema, alertTagSchema, severitySchema } from '../../../review/alert-filter.ts';
import { planAlertPackage } from '../../../evidence/evidence-snapshots.ts';
import { sendPackage } from '../../evidence-download.ts';
import { bytesResponse, idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

const severity = severitySchema;
const state = alertStateSchema;

/** An alert with its evidence and, once someone triaged it, who, why and when. */
export const alertShape = z.looseObject({
  id: z.number().int(),
  targetId: z.number().int(),
  kind: z.string(),
  severity,
  state,
  snapshotId: z.number().int(),
  changeId: z.number().int().nullable(),
  createdAt: z.string(),
  summary: z.string(),
  evidence: z.record(z.string(), z.unknown()),
  triage: z.object({ by: z.string(), note: z.string().nullable(), at: z.string() }).nullable(),
});

const listQuery = pageQuery.extend({
  kind: alertKindSchema.optional(),
  severity: severity.optional().describe('the least severity: `medium` lists medium and high'),
  state: state.optional(),
  targetId: z.number().int().positive().optional(),
  tag: alertTagSchema.optional().describe('only alerts of targets with this tag'),
  sourceId: z.number().int().positive().optional().describe('only alerts of targets this source listed'),
  since: z.iso.datetime({ offset: true }).optional().describe('raised at or after this time (ISO 8601)'),
  until: z.iso.datetime({ offset: true }).optional().describe('raised before this time (ISO 8601)'),
});
type ListQuery = z.infer<typeof listQuery>;

const triageBody = z.strictObject({
  state: state.describe('`confirmed`, `dismissed` (a false alarm) or back to `open`'),
  note: triageNoteSchema.nullable().optional(),
});

const TAG = 'alerts';

/** Alerts: everyone reads them; reviewers and admins triage them. */
export async function alertRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const alert = jsonSchema(alertShape, { io: 'output' });

  app.get<{ Querystring: ListQuery }>('/api/alerts', {
    schema: routeSchema('alerts:read', TAG, 'List alerts, newest first (filter by kind, least severity, state, target, tag, source, time; paginated)', {
      querystring: jsonSchema(listQuery),
      response: { 200: jsonSchema(pageOf(alertShape), { io: 'output' }) },
    }),
    onRequest: requireCapability('alerts:read'),
  }, async (request) => {
    const q = request.query;
    const rows = await listAlertsPage(ctx.pool, {
      kind: q.kind,
      minSeverity: q.severity,
      state: q.state,
      targetId: q.targetId,
      tag: q.tag,
      sourceId: q.sourceId,
      since: q.since ? new Date(q.since) : undefined,
      until: q.until ? new Date(q.until) : undefined,
      before: q.cursor,
      limit: q.limit + 1,
    });
    return toPage(rows, q.limit);
  });

  app.get<{ Params: IdParams }>('/api/alerts/:id', {
    schema: routeSchema('alerts:read', TAG, 'Show an alert with its evidence and triage', { params: jsonSchema(idParams), response: { 200: alert }, errors: [404] }),
    onRequest: requireCapability('alerts:read'),
  }, async (request) => {
    const found = await getAlert(ctx.pool, request.params.id);
    if (!found) throw new NotFoundError('alert', request.params.id);
    return found;
  });

  // The package holds the snapshots' pages, so it needs what reading them needs too (every role with snapshots:read
  // has alerts:read; a researcher, who reads alerts but not snapshots, gets a 403).
  app.get<{ Params: IdParams }>('/api/alerts/:id/evidence.wacz', {
    schema: routeSchema('snapshots:read', TAG, "The alert's proof as a signed WACZ 1.1.1 package (streamed, application/wacz, as an attachment): its last-with, first-without and confirming snapshots; what `scrubwatch evidence` writes", {
      params: jsonSchema(idParams),
      response: { 200: bytesResponse('application/wacz', 'the WACZ package (a zip)') },
      errors: [404],
    }),
    onRequest: [requireCapability('alerts:read'), requireCapability('snapshots:read')],
  }, async (request, reply) => sendPackage(ctx, reply, () => planAlertPackage(ctx.pool, request.params.id), `scrubwatch-alert-${request.params.id}.wacz`));

  app.patch<{ Params: IdParams; Body: z.infer<typeof triageBody> }>('/api/alerts/:id', {
    schema: routeSchema('alerts:triage', TAG, 'Triage an alert: confirmed, dismissed (kept in the history, teaches nothing) or open, with a note; records who', {
      params: jsonSchema(idParams),
      body: jsonSchema(triageBody),
      response: { 200: alert },
      errors: [404],
    }),
    onRequest: requireCapability('alerts:triage'),
  }, async (request) => triageAlert(ctx.pool, request.params.id, request.body, triagedBy(request.principal!)));
}
