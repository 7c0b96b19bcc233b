import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { listSnapshotsPage } from '../../../db/snapshots.ts';
import { requireTarget } from '../../../db/targets.ts';
import { buildSnapshotDiff, loadSnapshotFacts, requireSnapshot } from '../../../review/snapshot-diff.ts';
import { sendSnapshotMedia, sendSnapshotPart } from '../../stored-content.ts';
import { planSnapshotPackage } from '../../../evidence/evidence-snapshots.ts';
import { sendPackage } from '../../evidence-download.ts';
import { bytesResponse, idParams, jsonSchema, pageOf, pageQuery, routeSchema, toPage, type IdParams } from './schemas.ts';

/** A snapshot's metadata; its large parts are blobs named by `parts` and served by the routes below. */
export const snapshotShape = z.looseObject({
  id: z.number().int(),
  targetId: z.number().int(),
  jobId: z.string(),
  fetcher: z.string(),
  requestedUrl: z.string(),
  finalUrl: z.string(),
  redirects: z.array(z.object({ url: z.string(), status: z.number().int() })),
  status: z.number().int().nullable(),
  headers: z.record(z.string(), z.string()),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  outcome: z.object({ kind: z.enum(['ok', 'gone', 'blocked', 'error']), signal: z.string() }).nullable(),
  title: z.string().nullable(),
  canonicalUrl: z.string().nullable(),
  startedAt: z.string(),
  durationMs: z.number().int(),
  fingerprint: z.string(),
  parts: z.record(z.string(), z.string().nullable()).describe('blob SHA-256 of each stored part: facts, html, text, screenshot, raw'),
  counts: z.object({ blocks: z.number().int(), media: z.number().int(), links: z.number().int(), embeds: z.number().int() }),
  origin: z.enum(['capture', 'archive']).describe("`capture`: scrubwatch's own capture; `archive`: a copy the Internet Archive took (a source's baseline), read from the Wayback Machine"),
  archivedAt: z.string().nullable().describe('for an archived copy: when the Internet Archive took it'),
  archiveUrl: z.string().nullable().describe('for an archived copy: where the Wayback Machine shows it'),
  createdAt: z.string(),
});

const mediaShape = z.looseObject({
  kind: z.enum(['image', 'video']),
  url: z.string(),
  caption: z.string().nullable(),
  loaded: z.boolean().nullable(),
  sha256: z.string().nullable().optional().describe('the stored file, served at /api/snapshots/{id}/media/{sha256}'),
});

const snapshotDetail = snapshotShape.extend({ media: z.array(mediaShape).describe('photos and videos the capture found') });

const mediaParams = idParams.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be a lower-case SHA-256').describe('a stored file of this snapshot') });
const diffQuery = z.object({ against: z.number().int().positive().describe('the snapshot to compare with (the earlier state); same target') });

const TAG = 'snapshots';

/** Snapshots and their stored parts: reviewers, operators and admins. */
export async function snapshotRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;
  const params = jsonSchema(idParams);
  const read = requireCapability('snapshots:read');

  app.get<{ Params: IdParams; Querystring: z.infer<typeof pageQuery> }>('/api/targets/:id/snapshots', {
    schema: routeSchema('snapshots:read', TAG, "A target's snapshots, newest first (paginated)", {
      params,
      querystring: jsonSchema(pageQuery),
      response: { 200: jsonSchema(pageOf(snapshotShape), { io: 'output' }) },
      errors: [404],
    }),
    onRequest: read,
  }, async (request) => {
    const { limit, cursor } = request.query;
    await requireTarget(ctx.pool, request.params.id);
    return toPage(await listSnapshotsPage(ctx.pool, request.params.id, { before: cursor, limit: limit + 1 }), limit);
  });

  app.get<{ Params: IdParams }>('/api/snapshots/:id', {
    schema: routeSchema('snapshots:read', TAG, "A snapshot's metadata, with the media it found", {
      params,
      response: { 200: jsonSchema(snapshotDetail, { io: 'output' }) },
      errors: [404],
    }),
    onRequest: read,
  }, async (request) => {
    const snapshot = await requireSnapshot(ctx.pool, request.params.id);
    const facts = await loadSnapshotFacts(ctx.pool, snapshot);
    return { ...snapshot, media: facts?.media ?? [] };
  });

  app.get<{ Params: IdParams }>('/api/snapshots/:id/screenshot.png', {
    schema: routeSchema('snapshots:read', TAG, 'The full-page screenshot (image/png); 404 when none was taken', { params, response: { 200: bytesResponse('image/png', 'the PNG') }, errors: [404] }),
    onRequest: read,
  }, async (request, reply) => sendSnapshotPart(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), 'screenshot'));

  app.get<{ Params: IdParams }>('/api/snapshots/:id/text', {
    schema: routeSchema('snapshots:read', TAG, 'The main text (text/plain)', { params, response: { 200: bytesResponse('text/plain', 'the main text, blocks separated by blank lines') }, errors: [404] }),
    onRequest: read,
  }, async (request, reply) => sendSnapshotPart(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), 'text'));

  app.get<{ Params: IdParams }>('/api/snapshots/:id/html', {
    schema: routeSchema('snapshots:read', TAG, 'The rendered HTML, served sandboxed (CSP sandbox, nosniff): it is hostile content from the web', { params, response: { 200: bytesResponse('text/html', 'the rendered HTML') }, errors: [404] }),
    onRequest: read,
  }, async (request, reply) => sendSnapshotPart(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), 'html'));

  app.get<{ Params: z.infer<typeof mediaParams> }>('/api/snapshots/:id/media/:sha256', {
    schema: routeSchema('snapshots:read', TAG, 'A photo or video file the snapshot kept (only files its media list names): raster images inline, anything else (SVG, video, HTML) as an attachment of type application/octet-stream', { params: jsonSchema(mediaParams), response: { 200: bytesResponse('application/octet-stream', 'the file: a raster image with its own type, anything else as application/octet-stream') }, errors: [404] }),
    onRequest: read,
  }, async (request, reply) => sendSnapshotMedia(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), request.params.sha256));

  app.get<{ Params: IdParams }>('/api/snapshots/:id/capture.wacz', {
    schema: routeSchema('snapshots:read', TAG, 'The snapshot as a signed WACZ 1.1.1 package (streamed, application/wacz, as an attachment); what `scrubwatch snapshots export` writes', { params, response: { 200: bytesResponse('application/wacz', 'the WACZ package (a zip)') }, errors: [404] }),
    onRequest: read,
  }, async (request, reply) => sendPackage(ctx, reply, () => planSnapshotPackage(ctx.pool, request.params.id), `scrubwatch-snapshot-${request.params.id}.wacz`));

  app.get<{ Params: IdParams; Querystring: z.infer<typeof diffQuery> }>('/api/snapshots/:id/diff', {
    schema: routeSchema('snapshots:read', TAG, 'How snapshot {id} differs from snapshot {against} of the same target: blocks added, removed and changed, media, links, embeds, status', {
      params,
      querystring: jsonSchema(diffQuery),
      errors: [404],
    }),
    onRequest: read,
  }, async (request) => buildSnapshotDiff(ctx.pool, request.query.against, request.params.id, 'against'));
}
