import { InvalidInputError } from '../../errors/index.ts';
import { SEARCH_SCOPES, type SearchHit, type SearchRequest, type SearchResult, type SearchScope } from '../../search/search-archive.ts';
import type { SearchPart } from '../../search/search-document.ts';
import { helpers } from './views.ts';

/** Results on one page of the search page unless `limit` says otherwise; "Next page" follows the cursor for more. */
export const SEARCH_PAGE_SIZE = 20;
/** The most `limit` may ask for, as in every list of the API (src/http/routes/api/schemas.ts). */
export const SEARCH_PAGE_MAX = 200;

/** The search page's URL (`/search?q=&scope=&target=&tag=&source=&limit=&cursor=`), read. */
export interface SearchParams {
  /** The query as typed; null when the page was opened without one (nothing searched yet). */
  q: string | null;
  scope: SearchScope;
  target?: number | undefined;
  tag?: string | undefined;
  source?: number | undefined;
  limit?: number | undefined;
  cursor?: number | undefined;
}

/** A piece of a snippet: page text, and whether it is a matched word (shown in `<mark>`). */
export interface SnippetPiece {
  text: string;
  mark: boolean;
}

/** One page found, as the results list shows it. */
export interface SearchRow {
  targetId: number;
  /** The page's name, else its URL. */
  heading: string;
  /** The URL under the heading when the heading is a name. */
  url: string | null;
  /** Where on the page the hit was, in words. */
  where: string;
  snippet: SnippetPiece[];
  firstSeenAt: string;
  lastSeenAt: string;
  /** `still there`, `mention gone` or `page removed`. */
  status: 'still there' | 'mention gone' | 'page removed';
  /** When the mention or the page went (the first snapshot without it); null while it is there. */
  goneAt: string | null;
  /** The last snapshot that matched. */
  snapshotHref: string;
  /** The diff from the last matching snapshot to the first without the match; null while it is there. */
  diffHref: string | null;
}

export interface ScopeTab {
  scope: SearchScope;
  label: string;
  href: string;
  current: boolean;
}

/** Everything the results part of the search page shows. */
export interface SearchView {
  tabs: ScopeTab[];
  /** What the current scope means. */
  scopeHint: string;
  rows: SearchRow[];
  /** When nothing matched: what to say, and (unless already there) the Ever scope's link to try. */
  empty: { message: string; everHref: string | null } | null;
  nextHref: string | null;
}

const SCOPE_LABELS: Record<SearchScope, string> = { now: 'Now', ever: 'Ever', gone: 'Gone' };

const SCOPE_HINTS: Record<SearchScope, string> = {
  now: 'Pages whose latest snapshot matches.',
  ever: 'Pages any snapshot of which matched, with when they were first and last seen matching.',
  gone: 'Pages that matched once and no longer do, or that were removed, with the last snapshot that matched.',
};

const EMPTY_MESSAGES: Record<SearchScope, string> = {
  now: 'No page matches now.',
  ever: 'No snapshot of any page ever matched.',
  gone: 'No page that matched has lost the match.',
};

const PART_LABELS: Record<SearchPart, string> = {
  title: 'in the title',
  main: 'in the text',
  caption: 'in a photo caption or alt text',
  embed: 'in an embedded tweet',
};

/** A query-string value as typed: the first when repeated, undefined when absent or empty. */
function value(raw: unknown): string | undefined {
  const v = Array.isArray(raw) ? raw[0] : raw;
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

function id(raw: unknown, field: string, what: string): number | undefined {
  const v = value(raw)?.trim();
  if (v === undefined) return undefined;
  if (!/^\d{1,15}$/.test(v) || Number(v) < 1) throw new InvalidInputError(field, `${field} must be a ${what} id (a whole number), not "${v.slice(0, 40)}"`);
  return Number(v);
}

/**
 * Reads the search page's query string. An unknown scope is `now`; a target, source or cursor that is not a whole
 * number throws InvalidInputError, since dropping a filter would quietly widen the search; so does a limit outside
 * 1 to SEARCH_PAGE_MAX.
 */
export function readSearchParams(raw: Record<string, unknown>): SearchParams {
  const q = Array.isArray(raw.q) ? raw.q[0] : raw.q;
  const scope = SEARCH_SCOPES.find((s) => s === value(raw.scope)) ?? 'now';
  const tag = value(raw.tag)?.trim().slice(0, 64);
  return {
    q: typeof q === 'string' ? q : null,
    scope,
    target: id(raw.target, 'target', 'target'),
    tag,
    source: id(raw.source, 'source', 'source'),
    limit: limit(raw.limit),
    cursor: id(raw.cursor, 'cursor', 'target'),
  };
}

function limit(raw: unknown): number | undefined {
  const v = value(raw)?.trim();
  if (v === undefined) return undefined;
  if (!/^\d{1,3}$/.test(v) || Number(v) < 1 || Number(v) > SEARCH_PAGE_MAX) throw new InvalidInputError('limit', `limit must be a whole number from 1 to ${SEARCH_PAGE_MAX}, not "${v.slice(0, 40)}"`);
  return Number(v);
}

/** The search the page's parameters ask for. */
export function searchRequest(p: SearchParams): SearchRequest {
  return { query: p.q ?? '', scope: p.scope, targetId: p.target, tag: p.tag, sourceId: p.source, cursor: p.cursor, limit: p.limit ?? SEARCH_PAGE_SIZE };
}

/** The search page's URL for these parameters (the filters kept, `cursor` only when given). */
export function searchHref(p: SearchParams): string {
  return `/search${helpers.query({ q: p.q, scope: p.scope, target: p.target, tag: p.tag, source: p.source, limit: p.limit, cursor: p.cursor })}`;
}

/**
 * Splits a snippet into page text and matched words. Spans outside the text, overlapping or out of order are
 * skipped, so a bad span can only lose a highlight, never repeat or drop text.
 */
export function snippetPieces(text: string, highlights: SearchHit['highlights']): SnippetPiece[] {
  const pieces: SnippetPiece[] = [];
  let at = 0;
  for (const { start, end } of [...highlights].sort((a, b) => a.start - b.start)) {
    if (start < at || end <= start || end > text.length) continue;
    if (start > at) pieces.push({ text: text.slice(at, start), mark: false });
    pieces.push({ text: text.slice(start, end), mark: true });
    at = end;
  }
  if (at < text.length) pieces.push({ text: text.slice(at), mark: false });
  return pieces;
}

function row(hit: SearchHit): SearchRow {
  const went = hit.stillThere ? null : hit.firstWithoutSnapshotId;
  return {
    targetId: hit.targetId,
    heading: hit.name ?? hit.url,
    url: hit.name ? hit.url : null,
    where: PART_LABELS[hit.part],
    snippet: snippetPieces(hit.snippet, hit.highlights),
    firstSeenAt: hit.firstSeenAt,
    lastSeenAt: hit.lastSeenAt,
    status: hit.stillThere ? 'still there' : hit.removed ? 'page removed' : 'mention gone',
    goneAt: hit.stillThere ? null : hit.firstWithoutAt,
    snapshotHref: `/snapshots/${hit.lastMatchingSnapshotId}`,
    diffHref: went === null ? null : `/snapshots/${went}/diff${helpers.query({ against: hit.lastMatchingSnapshotId })}`,
  };
}

/** What the search page shows for a search's results: the scope tabs, the rows, "nothing found", the next page. */
export function buildSearchView(p: SearchParams, result: SearchResult): SearchView {
  const first = { ...p, cursor: undefined };
  return {
    tabs: SEARCH_SCOPES.map((scope) => ({ scope, label: SCOPE_LABELS[scope], href: searchHref({ ...first, scope }), current: scope === p.scope })),
    scopeHint: SCOPE_HINTS[p.scope],
    rows: result.items.map(row),
    empty: result.items.length > 0 ? null : {
      message: p.cursor === undefined ? EMPTY_MESSAGES[p.scope] : 'No more pages match.',
      everHref: p.scope === 'ever' ? null : searchHref({ ...first, scope: 'ever' }),
    },
    nextHref: result.next === null ? null : searchHref({ ...p, cursor: result.next }),
  };
}
