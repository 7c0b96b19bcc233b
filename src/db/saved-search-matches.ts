import type { Queryable } from './pool.ts';
import { SEARCH_CONFIG } from './search-index.ts';
import { MARK_END, MARK_START, SNIPPET_WINDOW } from './search-pages.ts';

/** A saved search as a capture of one page reads it: what to ask the index. */
export interface SavedQuery {
  id: number;
  query: string;
}

/**
 * The saved searches that apply to a page, in id order: those narrowed to nothing, to this target, to one of its
 * tags, or to a source that lists it.
 */
export async function listSavedQueriesFor(db: Queryable, target: { id: number; tags: string[] }): Promise<SavedQuery[]> {
  const { rows } = await db.query<SavedQuery>(
    `select s.id, s.query from saved_searches s
     where (s.target_id is null or s.target_id = $1) and (s.tag is null or s.tag = any($2::text[]))
       and (s.source_id is null or exists (select 1 from source_pages p where p.source_id = s.source_id and p.target_id = $1))
     order by s.id`,
    [target.id, target.tags],
  );
  return rows;
}

/** How one compiled query reads against a page's baseline text and its new text. */
export interface QueryMatch {
  /** Position of the query in the list asked. */
  index: number;
  /** The query as Postgres normalises it (case and accents folded, phrases as `<->`): one name for equal queries. */
  normalized: string;
  beforeMatches: boolean;
  afterMatches: boolean;
  /** An excerpt of the baseline around the hit, marked with MARK_START/MARK_END; only when the mention went. */
  headline: string | null;
}

// One fragment of whole words around the hit: an alert's context, not a results page's two.
const CONTEXT_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=40, MinWords=20, ShortWord=1, MaxFragments=1`;

/**
 * Asks the index, in one statement, which of `queries` (to_tsquery input, each with the terms a snippet looks for)
 * the baseline text matches and the new text does not (`after` null: the page is gone or shows no text). Answers
 * null when the baseline text is not indexed, so the caller can index it and ask again.
 */
export async function matchSavedQueries(
  db: Queryable,
  texts: { before: Buffer; after: Buffer | null },
  queries: Array<{ tsquery: string; terms: string[] }>,
): Promise<QueryMatch[] | null> {
  const { rows } = await db.query<QueryMatch & { indexed: boolean }>(
    `with q as (
       select u.i::int as i, to_tsquery('${SEARCH_CONFIG}', u.x) as query,
         array(select jsonb_array_elements_text($4::jsonb -> (u.i::int - 1))) as terms
       from unnest($3::text[]) with ordinality as u (x, i)),
     b as (select * from search_texts where sha256 = $1),
     a as (select document from search_texts where sha256 = $2),
     m as (
       select q.*, b.sha256 is not null as indexed, coalesce(b.document @@ q.query, false) as before_matches,
         coalesce(a.document @@ q.query, false) as after_matches, b.title, b.main, b.captions, b.embeds, b.document
       from q left join b on true left join a on true)
     select m.i - 1 as index, m.query::text as normalized, m.indexed, m.before_matches as "beforeMatches",
       m.after_matches as "afterMatches",
       case when m.before_matches and not m.after_matches then ts_headline('${SEARCH_CONFIG}',
         search_window(case search_part(m.document, m.query) when 'title' then m.title when 'caption' then m.captions
           when 'embed' then m.embeds else m.main end, m.terms, ${SNIPPET_WINDOW}),
         m.query, '${CONTEXT_OPTIONS}') end as headline
     from m order by m.i`,
    [texts.before, texts.after, queries.map((q) => q.tsquery), JSON.stringify(queries.map((q) => q.terms))],
  );
  if (rows.some((r) => !r.indexed)) return null;
  return rows.map(({ index, normalized, beforeMatches, afterMatches, headline }) => ({ index, normalized, beforeMatches, afterMatches, headline }));
}
