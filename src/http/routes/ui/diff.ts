import type { FastifyInstance } from 'fastify';
import { getBlob } from '../../../db/blobs.ts';
import { getChangeForSnapshot } from '../../../db/changes.ts';
import { InvalidInputError, NotFoundError } from '../../../errors/index.ts';
import { buildSnapshotDiff, loadSnapshotFacts, requireSnapshot } from '../../../review/snapshot-diff.ts';
import { buildDiffView } from '../../ui/diff-view.ts';
import { removedThings, wantedFromRecord } from '../../ui/removal-view.ts';
import { renderPage, requirePage, PAGE_ID, PAGE_ID_PARAMS } from '../../ui/page.ts';
import { visualDiff } from '../../ui/visual-diff.ts';
import { storedContentHeaders } from '../../stored-content.ts';
import type { UiOptions } from './ui-options.ts';

const againstQuery = { type: 'object', properties: { against: PAGE_ID } } as const;

interface DiffRequest {
  Params: { id: number };
  Querystring: { against?: number };
}

/** The snapshot to compare with: `against`, else the one the stored change record compared with. */
async function againstId(options: UiOptions, id: number, against: number | undefined): Promise<number> {
  if (against !== undefined) return against;
  const change = await getChangeForSnapshot(options.ctx.pool, id);
  if (!change) throw new InvalidInputError('against', `snapshot ${id} is the first of its target: there is nothing to compare it with`);
  return change.previousSnapshotId;
}

/** The diff page (two snapshots side by side) and the visual difference of their screenshots. */
export async function diffRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;
  const read = requirePage('snapshots:read', views);

  app.get<DiffRequest>('/snapshots/:id/diff', { schema: { params: PAGE_ID_PARAMS, querystring: againstQuery }, preHandler: read }, async (request, reply) => {
    const beforeId = await againstId(options, request.params.id, request.query.against);
    const diff = await buildSnapshotDiff(ctx.pool, beforeId, request.params.id, 'against');
    const [before, after] = await Promise.all([requireSnapshot(ctx.pool, beforeId), requireSnapshot(ctx.pool, request.params.id)]);
    const [beforeFacts, afterFacts] = await Promise.all([loadSnapshotFacts(ctx.pool, before), loadSnapshotFacts(ctx.pool, after)]);
    const view = buildDiffView(beforeFacts?.blocks ?? [], afterFacts?.blocks ?? [], diff.record);
    // A photo that stopped loading has no file in the later snapshot: its stored copy is the earlier one's.
    const storedCopies = Object.fromEntries((beforeFacts?.media ?? []).filter((m) => m.sha256).map((m) => [m.url, m.sha256]));
    // Each removed thing outlined where it was: what the pixel diff cannot follow once the page below it reflowed.
    const drawn = before.parts.screenshot !== null && after.parts.screenshot !== null;
    const things = drawn ? removedThings(wantedFromRecord(diff.record), beforeFacts, afterFacts) : [];
    return renderPage(request, reply, 'diff', { title: `Diff ${before.id} → ${after.id}`, before, after, record: diff.record, view, storedCopies, things });
  });

  app.get<DiffRequest>('/snapshots/:id/visual-diff.png', { schema: { params: PAGE_ID_PARAMS, querystring: againstQuery }, preHandler: read }, async (request, reply) => {
    const beforeId = await againstId(options, request.params.id, request.query.against);
    const [before, after] = await Promise.all([requireSnapshot(ctx.pool, beforeId), requireSnapshot(ctx.pool, request.params.id)]);
    if (before.targetId !== after.targetId) throw new InvalidInputError('against', `snapshots ${before.id} and ${after.id} belong to different targets`);
    const [a, b] = await Promise.all([before.parts.screenshot, after.parts.screenshot].map(async (sha) => (sha ? getBlob(ctx.pool, sha) : null)));
    if (!a || !b) throw new NotFoundError('screenshot of snapshot', !a ? before.id : after.id);
    const diff = visualDiff(a.data, b.data);
    return reply
      .headers(storedContentHeaders({ kind: 'file', mediaType: 'image/png', name: 'visual-diff.png' }))
      .header('cache-control', 'private, max-age=3600')
      .header('x-changed-pixels', String(diff.changedPixels))
      .send(diff.png);
  });
}
