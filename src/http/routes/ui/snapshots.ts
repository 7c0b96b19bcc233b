import type { FastifyInstance } from 'fastify';
import { listAlerts } from '../../../db/alerts.ts';
import { getBlob } from '../../../db/blobs.ts';
import { getChangeForSnapshot } from '../../../db/changes.ts';
import { loadSnapshotFacts, requireSnapshot } from '../../../review/snapshot-diff.ts';
import { renderPage, requirePage, PAGE_ID, PAGE_ID_PARAMS } from '../../ui/page.ts';
import { sendSnapshotMedia, sendSnapshotPart, storedContentHeaders } from '../../stored-content.ts';
import { makeThumbnail, thumbnailEtag } from '../../../review/thumbnail.ts';
import { AppError } from '../../../errors/index.ts';
import { sendArchivedFrame, sendFrameMedia } from '../../archived-frame.ts';
import type { UiOptions } from './ui-options.ts';

const MEDIA_PARAMS = { type: 'object', properties: { id: PAGE_ID, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, required: ['id', 'sha256'] } as const;


/**
 * A snapshot's page: screenshot, extracted text, media with their stored copies, embedded tweets, headers and
 * redirect chain, and the archived HTML — only ever inside a sandboxed iframe. The page's images and frame come
 * from the UI's own routes below, on the session: the API takes bearer tokens only.
 */
export async function snapshotRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views, frameSigner } = options;
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

  // Small and cached by ETag: the timeline shows one per snapshot. The screenshot's hash makes the ETag, so a
  // revalidation is answered from the snapshot's row alone, without reading or resizing the screenshot.
  app.get<{ Params: { id: number } }>('/snapshots/:id/thumbnail.png', { schema: { params: PAGE_ID_PARAMS }, preHandler: read }, async (request, reply) => {
    const snapshot = await requireSnapshot(ctx.pool, request.params.id);
    const sha = snapshot.parts.screenshot;
    if (!sha) throw new AppError('not_found', `snapshot ${snapshot.id} has no screenshot (the capture took none)`);
    const etag = thumbnailEtag(sha);
    reply.headers({ etag, 'cache-control': 'private, max-age=86400' });
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    const blob = await getBlob(ctx.pool, sha);
    if (!blob) throw new AppError('not_found', `snapshot ${snapshot.id} has no stored screenshot`);
    const png = await makeThumbnail(blob.data).catch((err: unknown) => {
      throw new AppError('not_found', `snapshot ${snapshot.id}'s screenshot cannot be made into a thumbnail; open the full screenshot instead`, { cause: err });
    });
    return reply.headers(storedContentHeaders({ kind: 'file', mediaType: 'image/png', name: 'thumbnail.png' })).send(png);
  });

  // The frame's page: its kept photos from the frame-media route below, nothing else fetched (see archived-frame.ts).
  app.get<{ Params: { id: number } }>('/snapshots/:id/html', { schema: { params: PAGE_ID_PARAMS }, preHandler: read }, async (request, reply) =>
    sendArchivedFrame(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), frameSigner, `${request.protocol}://${request.host}`));

  // No session: the sandboxed frame sends none. The signature in the URL stands for it.
  app.get<{ Params: { id: number; sha256: string }; Querystring: { sig: string } }>('/snapshots/:id/frame-media/:sha256', {
    schema: { params: MEDIA_PARAMS, querystring: { type: 'object', properties: { sig: { type: 'string', maxLength: 64 } } } },
  }, async (request, reply) => sendFrameMedia(ctx.pool, reply, request.params.id, request.params.sha256, request.query.sig ?? '', frameSigner));

  app.get<{ Params: { id: number; sha256: string } }>('/snapshots/:id/media/:sha256', { schema: { params: MEDIA_PARAMS }, preHandler: read }, async (request, reply) =>
    sendSnapshotMedia(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), request.params.sha256));
}
