import type { FastifyInstance } from 'fastify';
import { InvalidInputError } from '../../../errors/index.ts';
import { searchArchive } from '../../../search/search-archive.ts';
import { saveSearch } from '../../../search/saved-searches.ts';
import { triagedBy } from '../../../review/triage-alert.ts';
import { buildSearchView, readSearchParams, searchHref, searchRequest, type SearchParams } from '../../ui/search-view.ts';
import { renderPage, requirePage } from '../../ui/page.ts';
import type { UiOptions } from './ui-options.ts';

/** The "alert me" form as posted: the search to keep, every field a string. */
interface SaveForm {
  q?: string;
  scope?: string;
  target?: string;
  tag?: string;
  source?: string;
}

const NOTICES: Record<string, string> = {
  saved: 'Saved. When a page that matches this search stops matching — the mention is cut or the page is removed — a "Phrase removed" alert is raised for it.',
  kept: 'You had saved this search already; it is still kept.',
};

const noticeFor = (done: unknown): string | null => (typeof done === 'string' && Object.hasOwn(NOTICES, done) ? NOTICES[done]! : null);

/** The search page (results by scope, with snippets and links) and keeping a search as an alert. */
export async function searchRoutes(app: FastifyInstance, options: UiOptions): Promise<void> {
  const { ctx, views } = options;

  app.get<{ Querystring: Record<string, unknown> }>('/search', { preHandler: requirePage('search:read', views) }, async (request, reply) => {
    const typed = Array.isArray(request.query.q) ? request.query.q[0] : request.query.q;
    const page = { title: 'Search', searchBox: { q: typeof typed === 'string' ? typed : '' }, notice: noticeFor(request.query.done) };
    let params: SearchParams | null = null;
    try {
      params = readSearchParams(request.query);
      if (params.q === null) return renderPage(request, reply, 'search', { ...page, params, view: null });
      const view = buildSearchView(params, await searchArchive(ctx.pool, searchRequest(params)));
      return renderPage(request, reply, 'search', { ...page, title: `Search: ${params.q}`, searchBox: { q: params.q, scope: params.scope }, params, view });
    } catch (err) {
      // A query people typed is often not one the syntax takes: say why on the page itself, with the box to fix it.
      if (!(err instanceof InvalidInputError)) throw err;
      return renderPage(request, reply, 'search', { ...page, params, view: null, error: err.message }, 400);
    }
  });

  app.post<{ Body: SaveForm }>('/search/saved', { preHandler: [app.csrfProtection, requirePage('searches:own', views)] }, async (request, reply) => {
    const params = readSearchParams({ ...request.body });
    const principal = request.principal!;
    const { created } = await saveSearch(ctx.pool, {
      query: params.q ?? '',
      targetId: params.target ?? null,
      tag: params.tag ?? null,
      sourceId: params.source ?? null,
      createdBy: triagedBy(principal),
      ownerTokenId: principal.tokenId,
    });
    const back = searchHref({ ...params, cursor: undefined });
    return reply.redirect(`${back}${back.includes('?') ? '&' : '?'}done=${created ? 'saved' : 'kept'}`, 303);
  });
}
