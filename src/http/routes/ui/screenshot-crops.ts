import type { FastifyInstance } from 'fastify';
import { getBlob } from '../../../db/blobs.ts';
import { NotFoundError } from '../../../errors/index.ts';
import { requireSnapshot } from '../../../review/snapshot-diff.ts';
import { requirePage, PAGE_ID_PARAMS } from '../../ui/page.ts';
import { CROP_LIMIT, cropScreenshot } from '../../ui/screenshot-crop.ts';
import { sendSnapshotDocument, storedContentHeaders } from '../../stored-content.ts';
import type { UiOptions } from './ui-options.ts';

const coordinate = { type: 'integer', minimum: 0, maximum: 1_000_000 } as const;
const size = { type: 'integer', minimum: 1, maximum: CROP_LIMIT } as const;
const CROP_QUERY = { type: 'object', properties: { x: coordinate, y: coordinate, w: size, h: size }, required: ['x', 'y', 'w', 'h'] } as const;
const DOCUMENT_PARAMS = { type: 'object', properties: { id: PAGE_ID_PARAMS.properties.id, sha256: { type: 'string', pattern: '^[0-9a-f]{64}$' } }, required: ['id', 'sha256'] } as const;

/**
 * Parts of a snapshot the alert and diff pages show as proof: a crop of its screenshot around a removed thing, and
 * a linked document it kept. Blobs never change, so a crop is named by its screenshot and region (its ETag) and
 * cached for good.
 */
export async function screenshotCropRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;
  const read = requirePage('snapshots:read', views);

  app.get<{ Params: { id: number }; Querystring: { x: number; y: number; w: number; h: number } }>('/snapshots/:id/screenshot/crop', {
    schema: { params: PAGE_ID_PARAMS, querystring: CROP_QUERY },
    // Before validation: a caller who may not read snapshots learns nothing, not even which queries are well formed.
    preValidation: read,
  }, async (request, reply) => {
    const snapshot = await requireSnapshot(ctx.pool, request.params.id);
    const sha = snapshot.parts.screenshot;
    if (!sha) throw new NotFoundError('screenshot of snapshot', snapshot.id);
    const { x, y, w, h } = request.query;
    const etag = `"${sha.slice(0, 32)}-${x}-${y}-${w}-${h}"`;
    const cache = { etag, 'cache-control': 'private, max-age=31536000, immutable' };
    if (request.headers['if-none-match'] === etag) return reply.code(304).headers(cache).send();
    const blob = await getBlob(ctx.pool, sha);
    if (!blob) throw new NotFoundError('screenshot of snapshot', snapshot.id);
    const png = await cropScreenshot(blob.data, { x, y, width: w, height: h });
    return reply.headers({ ...storedContentHeaders({ kind: 'file', mediaType: 'image/png', name: 'crop.png' }), ...cache }).send(png);
  });

  app.get<{ Params: { id: number; sha256: string } }>('/snapshots/:id/documents/:sha256', { schema: { params: DOCUMENT_PARAMS }, preValidation: read }, async (request, reply) =>
    sendSnapshotDocument(ctx.pool, reply, await requireSnapshot(ctx.pool, request.params.id), request.params.sha256));
}
