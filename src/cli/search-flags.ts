import { InvalidInputError } from '../errors/index.ts';
import type { SearchRequest, SearchScope } from '../search/search-archive.ts';
import { parseSince } from '../sources/source-model.ts';
import { tagSchema } from '../targets/target-input.ts';
import { parseId, type CommonFlags } from './runtime.ts';

/** The most results (or saved searches) one page holds, as the API's lists allow. */
export const MAX_PAGE = 200;
/** Results on a page when `--limit` is not given. */
export const DEFAULT_PAGE = 20;

/** The flags of `scrubwatch search`, as commander hands them over (numbers still text). */
export interface SearchFlags extends CommonFlags {
  scope?: SearchScope;
  target?: string;
  tag?: string;
  source?: string;
  since?: string;
  limit?: string;
  cursor?: string;
  watch?: boolean;
}

/** `--limit` as a number of results on a page, 1 to MAX_PAGE. */
export function parseLimit(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PAGE;
  const n = parseId(text, '--limit');
  if (n > MAX_PAGE) throw new InvalidInputError('--limit', `--limit must be at most ${MAX_PAGE}; page on with --cursor`);
  return n;
}

/** `--cursor` as the `next` of a previous page, or undefined for the first page. */
export function parseCursor(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,15}$/.test(text) || Number(text) <= 0) {
    throw new InvalidInputError('--cursor', `--cursor must be the "next" a previous page printed (a positive whole number), got "${text}"`);
  }
  return Number(text);
}

/** `--tag` checked as tags are everywhere, so a typo is told apart from a tag that matches nothing. */
function parseTag(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  const parsed = tagSchema.safeParse(text);
  if (!parsed.success) throw new InvalidInputError('--tag', `--tag ${parsed.error.issues[0]!.message}`);
  return parsed.data;
}

/** The narrowing a saved search keeps: what `--watch` takes from the flags. */
export interface SearchNarrowing {
  targetId: number | null;
  tag: string | null;
  sourceId: number | null;
}

/** The flags that narrow which pages are searched (and that a saved search keeps). */
export function searchNarrowing(f: SearchFlags): SearchNarrowing {
  return {
    targetId: f.target === undefined ? null : parseId(f.target, '--target'),
    tag: parseTag(f.tag) ?? null,
    sourceId: f.source === undefined ? null : parseId(f.source, '--source'),
  };
}

/** The flags of one search as the request `searchArchive` takes; the query is checked there. */
export function searchRequest(query: string, f: SearchFlags): SearchRequest {
  const n = searchNarrowing(f);
  return {
    query,
    scope: f.scope ?? 'now',
    targetId: n.targetId ?? undefined,
    tag: n.tag ?? undefined,
    sourceId: n.sourceId ?? undefined,
    since: f.since === undefined ? undefined : new Date(parseSince(f.since)),
    limit: parseLimit(f.limit),
    cursor: parseCursor(f.cursor),
  };
}

/**
 * Refuses the flags a kept search has no use for: it watches every page for the moment it stops matching, so there is
 * no scope, date or page to keep.
 */
export function refuseWatchOnlyFlags(f: SearchFlags): void {
  const unused = (['scope', 'since', 'limit', 'cursor'] as const).filter((k) => f[k] !== undefined);
  if (unused.length > 0) {
    const flag = `--${unused[0]!}`;
    throw new InvalidInputError(flag, `${flag} is not kept with --watch: a saved search watches every page it matches for the moment it stops matching; narrow it with --target, --tag or --source`);
  }
}
