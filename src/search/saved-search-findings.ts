import type { Queryable } from '../db/pool.ts';
import type { Snapshot } from '../db/snapshots.ts';
import type { Finding } from '../detect/findings.ts';
import type { Lifecycle } from '../detect/lifecycle.ts';
import type { PageFacts } from '../page-data/page-facts.ts';
import { insertSearchText } from '../db/search-index.ts';
import { listSavedQueriesFor, matchSavedQueries, type QueryMatch, type SavedQuery } from '../db/saved-search-matches.ts';
import { compileQuery, type CompiledQuery } from './query.ts';
import { searchDocument, searchDocumentSha, isEmptyDocument } from './search-document.ts';
import { readSnippet } from './snippet.ts';

/** Why a page stopped matching a saved search: the words went from a page that lives, or the page went. */
export type SavedSearchReason = 'mention_gone' | 'page_gone';

/** One capture of a page as saved searches judge it, against the baseline the lifecycle compares with. */
export interface SavedSearchInput {
  target: { id: number; kind: 'page' | 'tweet'; tags: string[] };
  lifecycle: Lifecycle;
  baseline: { snapshot: Snapshot; facts: PageFacts | null } | null;
  current: { snapshot: Snapshot; textSha: Buffer | null };
  /** What classifyCapture found: a `page_removed` among them means the page is gone. */
  classified: Finding[];
}

/** The key of a saved search's finding: one per query as Postgres normalises it, apart from a target's `--phrase`. */
export const savedSearchKey = (normalized: string) => `phrase_removed:search:${normalized}`;

/**
 * The `phrase_removed` findings saved searches add to a capture's: one for each saved search that applies to the page
 * (its target, tag, source) which the baseline matched and this capture does not, because the mention went
 * (`mention_gone`) or the page did (`page_gone`, beside classify's `page_removed`). The lifecycle confirms and raises
 * them like any other, once per transition: once raised, the capture without the mention becomes the baseline.
 * Costs nothing when the page reads as its baseline or the capture says nothing about the page, and one statement
 * when no saved search applies. Each text is read from the index; a baseline stored before search existed is
 * indexed on demand.
 */
export async function savedSearchFindings(db: Queryable, input: SavedSearchInput): Promise<Finding[]> {
  const { target, baseline, current, classified } = input;
  const answer = current.snapshot.outcome?.kind;
  // A tweet is judged by whether it is up (tweet_deleted); a removed page's findings wait for its restoration.
  if (target.kind !== 'page' || input.lifecycle === 'removed' || !baseline?.facts || (answer !== 'ok' && answer !== 'gone')) return [];
  const pageGone = classified.some((f) => f.kind === 'page_removed');
  if (!pageGone && baseline.snapshot.parts.facts === current.snapshot.parts.facts) return [];
  const doc = searchDocument(baseline.facts);
  if (isEmptyDocument(doc)) return [];
  const before = searchDocumentSha(doc);
  if (!pageGone && current.textSha?.equals(before)) return [];

  const saved = await listSavedQueriesFor(db, target);
  const compiled = saved.map((s) => ({ search: s, query: compiledOrNull(s.query) })).filter(hasQuery);
  if (compiled.length === 0) return [];
  const asked = compiled.map((c) => ({ tsquery: c.query.tsquery, terms: c.query.terms }));
  const texts = { before, after: pageGone ? null : current.textSha };
  let matches = await matchSavedQueries(db, texts, asked);
  if (matches === null) {
    await insertSearchText(db, before, doc);
    matches = (await matchSavedQueries(db, texts, asked)) ?? [];
  }
  const reason: SavedSearchReason = pageGone ? 'page_gone' : 'mention_gone';
  const findings = new Map<string, Finding>();
  for (const m of matches.filter(wentAway)) {
    const { search } = compiled[m.index]!;
    const key = savedSearchKey(m.normalized);
    // The same query kept twice (two keepers, two narrowings) is one finding: the first kept names it.
    if (findings.has(key)) continue;
    const context = readSnippet(m.headline ?? '').text;
    findings.set(key, { kind: 'phrase_removed', key, item: { phrase: search.query, savedSearchId: search.id, reason, context } });
  }
  return [...findings.values()];
}

const wentAway = (m: QueryMatch) => m.beforeMatches && !m.afterMatches;

function hasQuery<T extends { query: CompiledQuery | null }>(c: T): c is T & { query: CompiledQuery } {
  return c.query !== null;
}

// Kept queries were checked when saved; one a later version of the syntax refuses is passed over, never fatal to a save.
function compiledOrNull(query: SavedQuery['query']): CompiledQuery | null {
  try {
    return compileQuery(query);
  } catch {
    return null;
  }
}
