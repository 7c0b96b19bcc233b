import type { FastifyInstance } from 'fastify';
import { listSources } from '../../../db/sources.ts';
import { listSourceLosses } from '../../../db/source-reports.ts';
import { AppError, NoWorkerError } from '../../../errors/index.ts';
import { SOURCE_KINDS } from '../../../sources/discovered.ts';
import { addSource, removeSource, requireSource, runSourceNow, setPausedSource } from '../../../sources/manage-sources.ts';
import type { NewSourceInput } from '../../../sources/source-model.ts';
import { reportSource, summariseSources, type SourceReport } from '../../../sources/source-report.ts';
import { queueSourceRun } from '../../../sources/update-source.ts';
import { renderPage, requirePage, PAGE_ID_PARAMS } from '../../ui/page.ts';
import type { UiOptions } from './ui-options.ts';

/** The add-source form as posted: every field a string. */
interface SourceForm {
  url?: string;
  kind?: string;
  name?: string;
  every?: string;
  targetsEvery?: string;
  tags?: string;
  phrases?: string;
  include?: string;
  exclude?: string;
  onlyMatching?: string;
}

/** How long "Run now" waits for the worker before answering that the read is still queued. */
const RUN_WAIT_MS = 90_000;

/** How many pages delisted or lost each source shows on the Sources page; its own page shows more. */
const LOSSES_ON_LIST = 10;

const NOTICES: Record<string, string> = {
  added: 'Source added. Its first scheduled read is one interval from now; "Run now" reads it at once.',
  ran: 'Read: the result is under "Last run".',
  queued: 'Read queued; reload in a moment to see its result.',
  'no-worker': 'Read queued, but no worker is running: start one with `scrubwatch worker` (or `scrubwatch start`).',
  paused: 'Paused: no scheduled reads until resumed. Its targets keep their own schedules.',
  resumed: 'Resumed.',
  removed: 'Source removed. The targets it made stay, with their snapshots and alerts.',
};

const list = (text: string | undefined, separator: RegExp): string[] => (text ?? '').split(separator).map((s) => s.trim()).filter(Boolean);

/** The form's fields as a new source; empty fields take the defaults. */
function sourceInput(form: SourceForm): NewSourceInput {
  const text = (v: string | undefined) => (v?.trim() ? v.trim() : undefined);
  const name = text(form.name);
  const every = text(form.every);
  const targetsEvery = text(form.targetsEvery);
  return {
    url: form.url?.trim() ?? '',
    kind: (form.kind ?? '') as NewSourceInput['kind'],
    tags: list(form.tags, /[,\s]+/),
    phrases: list(form.phrases, /\r?\n/),
    include: list(form.include, /\r?\n/),
    exclude: list(form.exclude, /\r?\n/),
    onlyMatching: form.onlyMatching === '1',
    ...(name ? { name } : {}),
    ...(every ? { every } : {}),
    ...(targetsEvery ? { targetsEvery } : {}),
  };
}

/** The Sources page (each source, its counts, last run and the pages it delisted or lost), a source's page, and the source actions. */
export async function sourceRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;
  const write = [app.csrfProtection, requirePage('targets:write', views)];

  /** Every source with its counts and its latest losses. */
  const reports = async (): Promise<SourceReport[]> => {
    const summaries = await summariseSources(ctx.pool, await listSources(ctx.pool));
    return Promise.all(summaries.map(async (s) => ({ ...s, losses: await listSourceLosses(ctx.pool, s.id, LOSSES_ON_LIST) })));
  };

  app.get<{ Querystring: { done?: string } }>('/sources', { preHandler: requirePage('targets:read', views) }, async (request, reply) => {
    return renderPage(request, reply, 'sources', { title: 'Sources', sources: await reports(), kinds: SOURCE_KINDS, form: {}, notice: NOTICES[request.query.done ?? ''] ?? null });
  });

  app.post<{ Body: SourceForm }>('/sources', { preHandler: write }, async (request, reply) => {
    const form = request.body ?? {};
    try {
      const source = await addSource(ctx, sourceInput(form));
      return reply.redirect(`/sources/${source.id}?done=added`, 303);
    } catch (err) {
      if (!(err instanceof AppError) || !['invalid_input', 'blocked_url', 'duplicate_source'].includes(err.code)) throw err;
      const status = err.code === 'duplicate_source' ? 409 : 400;
      return renderPage(request, reply, 'sources', { title: 'Sources', sources: await reports(), kinds: SOURCE_KINDS, form, error: err.message }, status);
    }
  });

  app.get<{ Params: { id: number }; Querystring: { done?: string } }>('/sources/:id', {
    schema: { params: PAGE_ID_PARAMS },
    preHandler: requirePage('targets:read', views),
  }, async (request, reply) => {
    const source = await reportSource(ctx.pool, await requireSource(ctx, request.params.id));
    return renderPage(request, reply, 'source', { title: source.name ?? source.url, source, notice: NOTICES[request.query.done ?? ''] ?? null });
  });

  app.post<{ Params: { id: number }; Body: { wait?: string } }>('/sources/:id/run', { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
    const { id } = request.params;
    if (request.body?.wait !== '1') {
      await queueSourceRun(ctx, id);
      return reply.redirect(`/sources/${id}?done=queued`, 303);
    }
    await requireSource(ctx, id);
    try {
      await runSourceNow(ctx, id, RUN_WAIT_MS);
      return reply.redirect(`/sources/${id}?done=ran#last-run`, 303);
    } catch (err) {
      if (!(err instanceof NoWorkerError)) throw err;
      await queueSourceRun(ctx, id);
      return reply.redirect(`/sources/${id}?done=no-worker`, 303);
    }
  });

  for (const [name, paused] of [['pause', true], ['resume', false]] as const) {
    app.post<{ Params: { id: number } }>(`/sources/:id/${name}`, { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
      await setPausedSource(ctx, request.params.id, paused);
      return reply.redirect(`/sources/${request.params.id}?done=${name}d`, 303);
    });
  }

  app.post<{ Params: { id: number } }>('/sources/:id/delete', { schema: { params: PAGE_ID_PARAMS }, preHandler: write }, async (request, reply) => {
    await removeSource(ctx, request.params.id);
    return reply.redirect('/sources?done=removed', 303);
  });
}
