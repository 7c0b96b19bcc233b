import type { FastifyInstance } from 'fastify';
import { listAlerts } from '../../../db/alerts.ts';
import { getBlob } from '../../../db/blobs.ts';
import { getChangeForSnapshot } from '../../../db/changes.ts';
import { loadSnapshotFacts, requireSnapshot } from '../../../review/snapshot-diff.ts';
import { renderPage, requirePage, PAGE_ID, PAGE_ID_PARAMS } from '../../ui/page.ts';
import { sendSnapshotMedia, sendSnapshotPart } from '../../stored-content.ts';
import type { UiOptions } from './ui-options.ts';

const MEDIA_PARAMS = { type: 'object', properties: { id: PAGE_ID, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, required: ['id', 'sha256'] } as const;


/**
 * A snapshot's page: screenshot, extracted text, media with their stored copies, embedded tweets, headers and
 * redirect chain, and the archived HTML — only ever inside a sandboxed iframe. The page's images and frame come
 * from the UI's own routes below, on the session: the API takes bearer tokens only.
 */
export async function snapshotRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;
  const read = requirePage('snapshots:read', views);

  app.get<{ Params: { id: number } }>('/snapshots/:id', { schema: { params: PAGE_ID_PARAMS }, preHandler: read }, async (request, reply) => {
    const snapshot = await requireSnapshot(ctx.pool, request.params.id);
    const [facts, change, alerts, textBlob] = await Promise.all([
      loadSnapshotFacts(ctx.pool, snapshot),
      getChangeForSnapshot(ctx.pool, snapshot.id),
      listAlerts(ctx.pool, { snapshotId: snapshot.id }),
      snapshot.parts.text ? getBlob(ctx.pool, snapshot.parts.text) : null,
    ]);
    return renderPage(request, reply, 'snapshot', {
      title: `Snapshot ${snapshot.id}`,
      snapshot,
      facts,
      change,
      alerts,
      text: textBlob?.data.toString('utf8') ?? null,
    });
  });

  app.get<{ Params: { id: number } }>('/snapshots/:id/screenshot.png', { schema: { params: PAGE_ID_PARAMS }, preHandler: read }, async (request, reply) =>
    sendSnapshotPart(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), 'screenshot'));

  app.get<{ Params: { id: number } }>('/snapshots/:id/html', { schema: { params: PAGE_ID_PARAMS }, preHandler: read }, async (request, reply) =>
    sendSnapshotPart(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), 'html'));

  app.get<{ Params: { id: number; sha256: string } }>('/snapshots/:id/media/:sha256', { schema: { params: MEDIA_PARAMS }, preHandler: read }, async (request, reply) =>
    sendSnapshotMedia(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), request.params.sha256));
}
