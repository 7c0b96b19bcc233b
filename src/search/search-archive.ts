import type { Queryable } from '../db/pool.ts';
import { InvalidInputError } from '../errors/index.ts';
import { queryHasWords, searchPages, type SearchPageRow, type SearchScope } from '../db/search-pages.ts';
import { compileQuery } from './query.ts';
import { readSnippet } from './snippet.ts';
import type { SearchPart } from './search-document.ts';

export { SEARCH_SCOPES, type SearchScope } from '../db/search-pages.ts';

/** A search as `scrubwatch search`, `GET /api/search` and the UI take it. */
export interface SearchRequest {
  /** Web-search syntax (src/search/query.ts). */
  query: string;
  scope: SearchScope;
  targetId?: number | undefined;
  tag?: string | undefined;
  sourceId?: number | undefined;
  since?: Date | undefined;
  limit: number;
  /** The `next` of the previous page. */
  cursor?: number | undefined;
}

/** One page found: the `--json` item of `scrubwatch search` and of `GET /api/search`. */
export interface SearchHit {
  targetId: number;
  url: string;
  name: string | null;
  scope: SearchScope;
  /** now: the latest snapshot (it matches); ever: the last matching one; gone: the latest, which no longer matches. */
  snapshotId: number;
  capturedAt: string;
  /** When the page was first and last seen matching. */
  firstSeenAt: string;
  lastSeenAt: string;
  lastMatchingSnapshotId: number;
  /** Whether the latest answered snapshot still matches (false when the page is removed). */
  stillThere: boolean;
  /** Whether the page's latest answer was "gone" (a 404, a soft 404, a redirect to a generic page). */
  removed: boolean;
  /** The first answered snapshot without the match, when it went: the diff from lastMatchingSnapshotId shows it go. */
  firstWithoutSnapshotId: number | null;
  /** When that snapshot was captured. */
  firstWithoutAt: string | null;
  /** Where the hit was in the last matching snapshot. */
  part: SearchPart;
  /** An excerpt of the last matching snapshot around the hit, as the page wrote it. */
  snippet: string;
  /** The matched words in `snippet` (offsets in JavaScript string units, end exclusive). */
  highlights: Array<{ start: number; end: number }>;
}

export interface SearchResult {
  items: SearchHit[];
  /** Pass as `cursor` for the next page; null on the last. */
  next: number | null;
}

/**
 * Searches every text scrubwatch holds. Bad queries throw InvalidInputError (field `query`): the CLI exits 2 and the
 * API answers 400, never 500.
 */
export async function searchArchive(db: Queryable, req: SearchRequest): Promise<SearchResult> {
  const compiled = compileQuery(req.query);
  if (!(await queryHasWords(db, compiled.tsquery))) {
    throw new InvalidInputError('query', 'the query has no words the index keeps (only punctuation or symbols): type a word, or a "quoted phrase"');
  }
  const rows = await searchPages(
    db,
    {
      tsquery: compiled.tsquery,
      anyTerm: compiled.anyTerm,
      scope: req.scope,
      targetId: req.targetId,
      tag: req.tag,
      sourceId: req.sourceId,
      since: req.since,
      after: req.cursor,
      limit: req.limit + 1,
    },
    compiled.terms,
  );
  const items = rows.slice(0, req.limit).map((row) => toHit(row, req.scope));
  return { items, next: rows.length > req.limit ? items[items.length - 1]!.targetId : null };
}

function toHit(row: SearchPageRow, scope: SearchScope): SearchHit {
  const showsLatest = scope !== 'ever' && row.latest_snapshot_id !== null;
  const snippet = readSnippet(row.headline ?? '');
  return {
    targetId: row.target_id,
    url: row.url,
    name: row.name,
    scope,
    snapshotId: showsLatest ? row.latest_snapshot_id! : row.last_matching_snapshot_id,
    capturedAt: (showsLatest ? row.latest_captured_at! : row.last_seen_at).toISOString(),
    firstSeenAt: row.first_seen_at.toISOString(),
    lastSeenAt: row.last_seen_at.toISOString(),
    lastMatchingSnapshotId: row.last_matching_snapshot_id,
    stillThere: row.still_there,
    removed: row.removed,
    firstWithoutSnapshotId: row.first_without_snapshot_id,
    firstWithoutAt: row.first_without_at?.toISOString() ?? null,
    part: row.part ?? 'main',
    snippet: snippet.text,
    highlights: snippet.highlights,
  };
}
