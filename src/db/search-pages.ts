import type { Queryable } from './pool.ts';
import { SEARCH_CONFIG } from './search-index.ts';

/** now: pages whose latest answer matches; ever: any snapshot matched; gone: matched once, and no longer. */
export const SEARCH_SCOPES = ['now', 'ever', 'gone'] as const;
export type SearchScope = (typeof SEARCH_SCOPES)[number];

export interface SearchPageQuery {
  /** `to_tsquery` input (src/search/query.ts). */
  tsquery: string;
  /** The searched words ORed (CompiledQuery.anyTerm): the part shown when no one part matches the whole query. */
  anyTerm?: string | undefined;
  scope: SearchScope;
  targetId?: number | undefined;
  tag?: string | undefined;
  sourceId?: number | undefined;
  /** now: captured since; ever and gone: last seen matching since. */
  since?: Date | undefined;
  /** The last target id of the previous page. */
  after?: number | undefined;
  limit: number;
}

export interface SearchPageRow {
  target_id: number;
  url: string;
  name: string | null;
  /** The page's latest answered snapshot (null when it never answered: only archived copies, say). */
  latest_snapshot_id: number | null;
  latest_captured_at: Date | null;
  removed: boolean;
  still_there: boolean;
  first_seen_at: Date;
  last_seen_at: Date;
  last_matching_snapshot_id: number;
  /** The first answered snapshot after the last matching one: where the mention went (null while it is there). */
  first_without_snapshot_id: number | null;
  first_without_at: Date | null;
  /** Where in the last matching text the hit was, and the marked excerpt (src/search/snippet.ts reads the marks). */
  part: 'title' | 'main' | 'caption' | 'embed' | null;
  headline: string | null;
}

// The two characters ts_headline marks a hit with; src/search/search-document.ts strips them from indexed text.
export const MARK_START = '\uE000';
export const MARK_END = '\uE001';
const HEADLINE_OPTIONS = `StartSel=${MARK_START}, StopSel=${MARK_END}, MaxWords=30, MinWords=12, ShortWord=1, MaxFragments=2, FragmentDelimiter=" … "`;
/** Characters of a part ts_headline reads around the first hit (sql/010_search.sql, search_window). */
export const SNIPPET_WINDOW = 2000;

/**
 * One page of search results, in target id order. The query's texts are found through the GIN index once; each page's
 * sightings of those texts say when it was first and last seen matching; its latest answer says whether it still does.
 */
export async function searchPages(db: Queryable, q: SearchPageQuery, terms: string[]): Promise<SearchPageRow[]> {
  const { rows } = await db.query<SearchPageRow>(
    `with q as (select to_tsquery('${SEARCH_CONFIG}', $1) as query),
     hits as materialized (select sha256 from q, search_matching_texts(q.query) as sha256),
     matched as (
       select s.target_id, min(s.first_seen_at) as first_seen_at, max(s.last_seen_at) as last_seen_at,
         (array_agg(s.last_snapshot_id order by s.last_seen_at desc, s.last_snapshot_id desc))[1] as last_matching_snapshot_id,
         (array_agg(s.text_sha256 order by s.last_seen_at desc, s.last_snapshot_id desc))[1] as last_text
       from search_sightings s join hits h on h.sha256 = s.text_sha256
       where ($2::bigint is null or s.target_id > $2) and ($3::bigint is null or s.target_id = $3)
       group by s.target_id),
     pages as (
       select m.*, t.url, t.name, l.snapshot_id as latest_snapshot_id, l.captured_at as latest_captured_at,
         coalesce(l.removed, false) as removed,
         (l.text_sha256 is not null and not l.removed and exists (select 1 from hits h where h.sha256 = l.text_sha256)) as still_there
       from matched m
       join targets t on t.id = m.target_id
       left join search_latest l on l.target_id = m.target_id
       where ($4::text is null or $4 = any(t.tags))
         and ($5::bigint is null or exists (select 1 from source_pages p where p.source_id = $5 and p.target_id = t.id))),
     chosen as (
       select * from pages
       where case $6::text when 'now' then still_there when 'gone' then not still_there else true end
         and ($7::timestamptz is null or case $6::text when 'now' then latest_captured_at >= $7 else last_seen_at >= $7 end)
       order by target_id limit $8)
     select c.target_id, c.url, c.name, c.latest_snapshot_id, c.latest_captured_at, c.removed, c.still_there,
       c.first_seen_at, c.last_seen_at, c.last_matching_snapshot_id,
       fw.id as first_without_snapshot_id, fw.started_at as first_without_at,
       p.part,
       ts_headline('${SEARCH_CONFIG}', hit.window, q.query, '${HEADLINE_OPTIONS}') as headline
     from chosen c
     cross join q
     join search_texts d on d.sha256 = c.last_text
     cross join lateral (select coalesce(search_part(d.document, q.query), search_part(d.document, to_tsquery('${SEARCH_CONFIG}', $10))) as part) p
     cross join lateral (select case p.part when 'title' then d.title when 'caption' then d.captions
       when 'embed' then d.embeds else d.main end as body) b
     cross join lateral (select search_window(b.body, $9::text[], ${SNIPPET_WINDOW}) as window) hit
     left join lateral (
       select x.id, x.started_at from snapshots x
       where not c.still_there and x.target_id = c.target_id and x.outcome in ('ok', 'gone')
         and x.started_at > (select y.started_at from snapshots y where y.id = c.last_matching_snapshot_id)
       order by x.started_at, x.id limit 1) fw on true
     order by c.target_id`,
    [q.tsquery, q.after ?? null, q.targetId ?? null, q.tag ?? null, q.sourceId ?? null, q.scope, q.since ?? null, q.limit, terms, q.anyTerm ?? null],
  );
  return rows;
}

/**
 * Whether the query has a word to look up in the index. False when Postgres folds every word away (`½`), and when
 * only exclusions are left once it has (`½ -Goita`): such a query would read every text, and match nearly all.
 */
export async function queryHasWords(db: Queryable, tsquery: string): Promise<boolean> {
  // querytree is the part of a query the index can answer: '' when it has no words, 'T' when it only excludes.
  const { rows } = await db.query<{ tree: string }>(`select querytree(to_tsquery('${SEARCH_CONFIG}', $1)) as tree`, [tsquery]);
  return rows[0]!.tree !== '' && rows[0]!.tree !== 'T';
}
