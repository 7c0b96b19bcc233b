import { performance } from 'node:perf_hooks';
import type { Pool } from '../../src/db/pool.ts';
import { countSearchRows } from '../../src/db/search-index.ts';
import { searchArchive, SEARCH_SCOPES, type SearchScope } from '../../src/search/search-archive.ts';
import { COMMON_WORDS, NAME } from './search-articles.ts';

/** p50, p95 and mean of a list of milliseconds. */
export interface Spread {
  p50: number;
  p95: number;
  mean: number;
  count: number;
}

export function spread(ms: number[]): Spread {
  const sorted = [...ms].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  return { p50: at(0.5), p95: at(0.95), mean: sorted.reduce((a, b) => a + b, 0) / sorted.length, count: sorted.length };
}

/** What the index holds and weighs once the archive is built. */
export interface IndexSize {
  texts: number;
  sightings: number;
  pages: number;
  snapshots: number;
  /** search_texts with its TOAST and indexes (the stored parts, the tsvectors, the GIN index, the primary key). */
  textsBytes: number;
  ginBytes: number;
  /** The tsvector column alone, summed over rows (as stored, compressed where Postgres compressed it). */
  tsvectorBytes: number;
  /** search_sightings and search_latest with their indexes. */
  pageRowsBytes: number;
}

/** Postgres's statistics brought up to date, as autovacuum would have on an archive that grew over months. */
export async function analyzeSearchTables(pool: Pool): Promise<void> {
  for (const table of ['search_texts', 'search_sightings', 'search_latest', 'snapshots', 'targets']) await pool.query(`vacuum analyze ${table}`);
}

export async function indexSize(pool: Pool): Promise<IndexSize> {
  const rows = await countSearchRows(pool);
  const { rows: sizes } = await pool.query<{ snapshots: string; texts: string; gin: string; tsvectors: string; pages: string }>(
    `select (select count(*) from snapshots) as snapshots,
       pg_total_relation_size('search_texts') as texts, pg_relation_size('search_texts_document') as gin,
       (select coalesce(sum(pg_column_size(document)), 0) from search_texts) as tsvectors,
       pg_total_relation_size('search_sightings') + pg_total_relation_size('search_latest') as pages`,
  );
  const s = sizes[0]!;
  return {
    ...rows,
    snapshots: Number(s.snapshots),
    textsBytes: Number(s.texts),
    ginBytes: Number(s.gin),
    tsvectorBytes: Number(s.tsvectors),
    pageRowsBytes: Number(s.pages),
  };
}

/** One query's timings in one scope, and how many pages its first result page held. */
export interface QueryFigure {
  scope: SearchScope;
  label: string;
  query: string;
  spread: Spread;
  /** Pages on the first result page. */
  items: number;
  /** Every page the query finds in the scope, counted for the phrase only (the common words find nearly all). */
  pages: number | null;
}

export const QUERIES = [
  { label: `phrase "${NAME}"`, query: `"${NAME}"`, countAll: true },
  { label: `two common words (${COMMON_WORDS})`, query: COMMON_WORDS, countAll: false },
];
/** Results per page: the first page of a search, as the UI and the CLI show it. */
export const PAGE_SIZE = 20;

/** Each scope × query through searchArchive (the path the CLI, API and UI take), `runs` times after two warm-ups. */
export async function queryTimes(pool: Pool, runs: number): Promise<QueryFigure[]> {
  const out: QueryFigure[] = [];
  for (const { label, query, countAll } of QUERIES) {
    for (const scope of SEARCH_SCOPES) {
      const ms: number[] = [];
      let items = 0;
      for (let i = -2; i < runs; i++) {
        const started = performance.now();
        const result = await searchArchive(pool, { query, scope, limit: PAGE_SIZE });
        if (i >= 0) ms.push(performance.now() - started);
        items = result.items.length;
      }
      const pages = countAll ? (await searchArchive(pool, { query, scope, limit: 100_000 })).items.length : null;
      out.push({ scope, label, query, spread: spread(ms), items, pages });
    }
  }
  return out;
}
