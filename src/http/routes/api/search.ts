import { z } from 'zod';
import type { FastifyInstance } from 'fastify';
import type { Context } from '../../../context.ts';
import { InvalidInputError } from '../../../errors/index.ts';
import { requireCapability } from '../../auth/plugin.ts';
import { SEARCH_SCOPES, searchArchive, type SearchResult } from '../../../search/search-archive.ts';
import { SEARCH_PARTS } from '../../../search/search-document.ts';
import { jsonSchema, pageOf, pageQuery, routeSchema, toPage } from './schemas.ts';

const at = z.string().describe('ISO 8601');

/** One page found, as `scrubwatch search --json` prints it. */
export const searchHitShape = z.object({
  targetId: z.number().int(),
  url: z.string(),
  name: z.string().nullable(),
  scope: z.enum(SEARCH_SCOPES),
  snapshotId: z.number().int().describe('now: the latest snapshot (it matches); ever: the last matching one; gone: the latest, which no longer matches'),
  capturedAt: at.describe('when snapshotId was captured'),
  firstSeenAt: at.describe('when the page was first seen matching'),
  lastSeenAt: at.describe('when the page was last seen matching'),
  lastMatchingSnapshotId: z.number().int(),
  stillThere: z.boolean().describe('whether the latest answered snapshot still matches (false when the page is removed)'),
  removed: z.boolean().describe('whether the page’s latest answer was its removal (a 404, a soft 404, a redirect to a generic page)'),
  firstWithoutSnapshotId: z.number().int().nullable().describe('the first answered snapshot without the match: diff it against lastMatchingSnapshotId to see the mention go'),
  firstWithoutAt: z.string().nullable(),
  part: z.enum(SEARCH_PARTS).describe('where the hit was: the title, the main text, a caption or alt text, an embedded tweet'),
  snippet: z.string().describe('an excerpt of the last matching snapshot around the hit, as the page wrote it'),
  highlights: z.array(z.object({ start: z.number().int(), end: z.number().int() })).describe('the matched words in snippet (JavaScript string offsets, end exclusive)'),
});

const searchQuery = pageQuery.extend({
  q: z.string().describe('web-search syntax: words, "a quoted phrase", OR, -word, word* (at most 500 characters); case and accents do not matter'),
  scope: z.enum(SEARCH_SCOPES).default('now').describe('now: pages whose latest snapshot matches; ever: pages any snapshot of which matched; gone: pages that matched once and no longer do, or are removed'),
  target: z.number().int().positive().optional().describe('only this target'),
  tag: z.string().min(1).max(64).optional().describe('only targets with this tag'),
  source: z.number().int().positive().optional().describe('only the targets this source lists (or listed)'),
  since: z.string().max(40).optional().describe('now: captured since; ever and gone: last seen matching since (a date like 2026-01-01 or an ISO 8601 time; UTC unless it gives an offset)'),
});
type SearchQuery = z.infer<typeof searchQuery>;

// A date, or a date and time with an optional offset: ISO 8601 as people write it, never JavaScript's looser forms.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/i;

const ZONED = /(?:Z|[+-]\d{2}:?\d{2})$/i;

/** `since` as a time: a bare date is that day's start, and a time without an offset is read, in UTC. */
function sinceTime(text: string | undefined): Date | undefined {
  if (text === undefined) return undefined;
  const at = ISO_TIME.test(text) ? new Date(text.length === 10 || ZONED.test(text) ? text : `${text}Z`) : null;
  if (!at || Number.isNaN(at.getTime())) throw new InvalidInputError('since', `since: "${text}" is not a date; write it like 2026-01-01 or 2026-01-01T09:00:00Z`);
  return at;
}

/**
 * The search's answer as the API gives it: the engine names the query `query`, as the CLI's argument, where the API
 * has the parameter `q`; and a page stops at PAGE_BUDGET_BYTES like every list, `next` following its last item.
 */
async function apiPage(search: Promise<SearchResult>): Promise<SearchResult> {
  let result: SearchResult;
  try {
    result = await search;
  } catch (err) {
    if (err instanceof InvalidInputError && err.field === 'query') throw new InvalidInputError('q', `q: ${err.message}`);
    throw err;
  }
  const page = toPage(result.items.map((hit) => ({ id: hit.targetId, hit })), result.items.length);
  return { items: page.items.map((row) => row.hit), next: page.next ?? result.next };
}

/** Search: every role searches the archive, as `scrubwatch search` does. */
export async function searchRoutes(app: FastifyInstance, options: { ctx: Context }): Promise<void> {
  const { ctx } = options;

  app.get<{ Querystring: SearchQuery }>('/api/search', {
    schema: routeSchema('search:read', 'search', 'Search every text scrubwatch holds: pages that mention it now, ever, or no longer (paginated by target id)', {
      querystring: jsonSchema(searchQuery),
      response: { 200: jsonSchema(pageOf(searchHitShape), { io: 'output' }) },
    }),
    onRequest: requireCapability('search:read'),
  }, async (request) => {
    const q = request.query;
    return apiPage(searchArchive(ctx.pool, {
      query: q.q,
      scope: q.scope,
      targetId: q.target,
      tag: q.tag,
      sourceId: q.source,
      since: sinceTime(q.since),
      limit: q.limit,
      cursor: q.cursor,
    }));
  });
}
