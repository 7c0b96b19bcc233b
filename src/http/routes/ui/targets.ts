import type { FastifyInstance } from 'fastify';
import { listTargets, listTargetsPage, requireTarget, TARGET_STATES, type TargetState } from '../../../db/targets.ts';
import { listSourcesOfTarget } from '../../../db/source-reports.ts';
import { listTimeline } from '../../../db/timeline.ts';
import { getTierState } from '../../../db/target-tiers.ts';
import { tierSummary } from '../../../tiers/tier-summary.ts';
import { labelSnapshot, TIMELINE_LABEL_WORDS } from '../../../review/timeline-label.ts';
import { AppError } from '../../../errors/index.ts';
import { checkThroughQueue, queueCheck } from '../../../checks/check-now.ts';
import { NoWorkerError } from '../../../errors/index.ts';
import { addTarget, removeTarget, setPaused } from '../../../targets/manage-targets.ts';
import { renderPage, requirePage, PAGE_ID, PAGE_ID_PARAMS } from '../../ui/page.ts';
import type { UiOptions } from './ui-options.ts';

/** The add-target form as posted: every field a string. */
interface TargetForm {
  url?: string;
  name?: string;
  every?: string;
  tags?: string;
  phrases?: string;
  confirm?: string;
  full_every?: string;
}

/** How long "Check now" waits for the worker before answering that the check is still queued. */
const CHECK_WAIT_MS = 90_000;

/** Snapshots on one page of a target's timeline; older ones are a link away. */
const TIMELINE_PAGE = 50;

/** The most targets a filtered list (by source or state) shows. */
const FILTERED_LIMIT = 500;

const NOTICES: Record<string, string> = {
  added: 'Target added. Its first capture is queued.',
  checked: 'Checked: the new snapshot is at the top of the timeline.',
  queued: 'Check queued; reload in a moment to see the new snapshot.',
  'no-worker': 'Check queued, but no worker is running: start one with `scrubwatch worker` (or `scrubwatch start`).',
  paused: 'Paused: no scheduled captures until resumed.',
  resumed: 'Resumed.',
  removed: 'Target removed with its snapshots and alerts.',
};

const list = (text: string | undefined, separator: RegExp): string[] => (text ?? '').split(separator).map((s) => s.trim()).filter(Boolean);

/** The targets list with the add form, a target's page with its timeline, and the target actions. */
export async function targetRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;
  const write = [app.csrfProtection, requirePage('targets:write', views)];

  app.get<{ Querystring: { done?: string; source?: number; state?: TargetState } }>('/targets', {
    schema: { querystring: { type: 'object', properties: { done: { type: 'string' }, source: PAGE_ID, state: { type: 'string', enum: [...TARGET_STATES] } } } },
    preHandler: requirePage('targets:read', views),
  }, async (request, reply) => {
    const { source, state } = request.query;
    // A source can list tens of thousands of pages: its targets are shown a page at a time, screened ones on asking.
    const targets = source === undefined && state === undefined ? await listTargets(ctx.pool) : await listTargetsPage(ctx.pool, { source, state, limit: FILTERED_LIMIT });
    return renderPage(request, reply, 'targets', { title: 'Targets', targets, filter: { source, state }, form: {}, notice: NOTICES[request.query.done ?? ''] ?? null });
  });

  app.post<{ Body: TargetForm }>('/targets', { preHandler: write }, async (request, reply) => {
    const form = request.body ?? {};
    const confirm = form.confirm?.trim() ? Number(form.confirm) : undefined;
    try {
      const target = await addTarget(ctx, {
        url: form.url?.trim() ?? '',
        ...(form.name?.trim() ? { name: form.name.trim() } : {}),
        ...(form.every?.trim() ? { every: form.every.trim() } : {}),
        tags: list(form.tags, /[,\s]+/),
        options: {
          phrases: list(form.phrases, /\r?\n/),
          ...(confirm !== undefined ? { confirm } : {}),
          ...(form.full_every?.trim() ? { fullEvery: form.full_every.trim() } : {}),
        },
      });
      return reply.redirect(`/targets/${target.id}?done=added`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !['invalid_input', 'blocked_url', 'duplicate_target'].includes(err.code)) throw err;
      const targets = await listTargets(ctx.pool);
      return renderPage(request, reply, 'targets', { title: 'Targets', targets, form, error: err.message }, err.code === 'duplicate_target' ? 409 : 400);
    }
  });

  app.get<{ Params: { id: number }; Querystring: { done?: string; before?: number } }>('/targets/:id', {
    schema: { params: PAGE_ID_PARAMS, querystring: { type: 'object', properties: { done: { type: 'string' }, before: PAGE_ID } } },
    preHandler: requirePage('targets:read', views),
  }, async (request, reply) => {
    const target = await requireTarget(ctx.pool, request.params.id);
    const { before } = request.query;
    // One more than a page: whether there is an older page is known without counting.
    const [entries, sources, tierState] = await Promise.all([
      listTimeline(ctx.pool, target.id, { before, limit: TIMELINE_PAGE + 1 }),
      listSourcesOfTarget(ctx.pool, target.id),
      getTierState(ctx.pool, target.id),
    ]);
    const timeline = entries.slice(0, TIMELINE_PAGE).map((e) => ({
      ...e,
      label: labelSnapshot({ outcome: e.outcome, change: e.change, alertKinds: e.alerts.map((a) => a.kind), suspected: e.suspected }),
    }));
    const older = entries.length > TIMELINE_PAGE ? timeline.at(-1)!.snapshotId : null;
    return renderPage(request, reply, 'target', {
      title: target.name ?? target.url,
      target,
      tier: tierSummary(target.options, tierState),
      sources,
      timeline,
      page: { before: before ?? null, older },
      labelWords: TIMELINE_LABEL_WORDS,
      notice: NOTICES[request.query.done ?? ''] ?? null,
    });
  });

  app.post<{ Params: { id: number }; Body: { wait?: string } }>('/targets/:id/check', { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
    const target = await requireTarget(ctx.pool, request.params.id);
    if (request.body?.wait !== '1') {
      await queueCheck(ctx, target);
      return reply.redirect(`/targets/${target.id}?done=queued`, 303);
    }
    try {
      const [result] = await checkThroughQueue(ctx, [target], CHECK_WAIT_MS, () => undefined);
      return reply.redirect(`/targets/${target.id}?done=checked#snapshot-${result!.snapshot.id}`, 303);
    } catch (err) {
      if (!(err instanceof NoWorkerError)) throw err;
      await queueCheck(ctx, target);
      return reply.redirect(`/targets/${target.id}?done=no-worker`, 303);
    }
  });

  app.post<{ Params: { id: number } }>('/targets/:id/pause', { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
    await setPaused(ctx, request.params.id, true);
    return reply.redirect(`/targets/${request.params.id}?done=paused`, 303);
  });

  app.post<{ Params: { id: number } }>('/targets/:id/resume', { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
    await setPaused(ctx, request.params.id, false);
    return reply.redirect(`/targets/${request.params.id}?done=resumed`, 303);
  });

  app.post<{ Params: { id: number } }>('/targets/:id/delete', { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
    await removeTarget(ctx, request.params.id);
    return reply.redirect('/targets?done=removed', 303);
  });
}
