import type { FastifyInstance } from 'fastify';
import { listAlerts } from '../../../db/alerts.ts';
import { getBlob } from '../../../db/blobs.ts';
import { getChangeForSnapshot } from '../../../db/changes.ts';
import { getSnapshot } from '../../../db/snapshots.ts';
import { NotFoundError } from '../../../errors.ts';
import { loadSnapshotFacts } from '../../../review/snapshot-diff.ts';
import { renderPage, requirePage, PAGE_ID_PARAMS } from '../../ui/page.ts';
import type { UiOptions } from './index.ts';


/**
 * A snapshot's page: screenshot, extracted text, media with their stored copies, embedded tweets, headers and
 * redirect chain, and the archived HTML — only ever inside a sandboxed iframe, from the API's sandboxed route.
 */
export async function snapshotRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;

  app.get<{ Params: { id: number } }>('/snapshots/:id', { schema: { params: PAGE_ID_PARAMS }, preHandler: requirePage('snapshots:read', views) }, async (request, reply) => {
    const snapshot = await getSnapshot(ctx.pool, request.params.id);
    if (!snapshot) throw new NotFoundError('snapshot', request.params.id);
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
}
