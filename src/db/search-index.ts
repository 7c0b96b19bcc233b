import type { Queryable } from './pool.ts';
import type { SearchDocument } from '../search/search-document.ts';

/** The text search configuration of sql/010_search.sql: words as written, case and accents folded. */
export const SEARCH_CONFIG = 'scrubwatch_search';

/**
 * Indexes a document once under its SHA-256. The tsvector is only computed when the text is new: a page re-captured
 * unchanged costs one primary-key probe here. Each part is weighed so a hit can say where it was (A title, B main
 * text, C captions and alt text, D embedded tweets).
 */
export async function insertSearchText(db: Queryable, sha256: Buffer, doc: SearchDocument): Promise<void> {
  await db.query(
    `insert into search_texts (sha256, title, main, captions, embeds, document)
     select $1, $2::text, $3::text, $4::text, $5::text,
       setweight(to_tsvector('${SEARCH_CONFIG}', $2::text), 'A') || setweight(to_tsvector('${SEARCH_CONFIG}', $3::text), 'B')
         || setweight(to_tsvector('${SEARCH_CONFIG}', $4::text), 'C') || setweight(to_tsvector('${SEARCH_CONFIG}', $5::text), 'D')
     where not exists (select 1 from search_texts where sha256 = $1)
     on conflict (sha256) do nothing`,
    [sha256, doc.title, doc.main, doc.captions, doc.embeds],
  );
}

/** Whether a text is indexed already. */
export async function hasSearchText(db: Queryable, sha256: Buffer): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('select exists (select 1 from search_texts where sha256 = $1) as any', [sha256]);
  return rows[0]!.any;
}

/** One page showing one text at one time: widens the page's first-to-last sighting of that text. */
export interface Sighting {
  targetId: number;
  textSha256: Buffer;
  snapshotId: number;
  seenAt: Date;
}

export async function recordSighting(db: Queryable, s: Sighting): Promise<void> {
  await db.query(
    `insert into search_sightings as s (target_id, text_sha256, first_snapshot_id, first_seen_at, last_snapshot_id, last_seen_at)
     values ($1, $2, $3, $4, $3, $4)
     on conflict (target_id, text_sha256) do update set
       first_snapshot_id = case when excluded.first_seen_at < s.first_seen_at then excluded.first_snapshot_id else s.first_snapshot_id end,
       first_seen_at = least(s.first_seen_at, excluded.first_seen_at),
       last_snapshot_id = case when (excluded.last_seen_at, excluded.last_snapshot_id) >= (s.last_seen_at, s.last_snapshot_id)
         then excluded.last_snapshot_id else s.last_snapshot_id end,
       last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at)`,
    [s.targetId, s.textSha256, s.snapshotId, s.seenAt],
  );
}

/** A page's latest answered snapshot: what it says now (`textSha256`), or that it is gone (`removed`). */
export interface LatestAnswer {
  targetId: number;
  snapshotId: number;
  capturedAt: Date;
  removed: boolean;
  textSha256: Buffer | null;
}

/** Records a page's answer unless a later one is recorded already (a late capture never overrides a newer view). */
export async function recordLatestAnswer(db: Queryable, a: LatestAnswer): Promise<void> {
  await db.query(
    `insert into search_latest (target_id, snapshot_id, captured_at, removed, text_sha256) values ($1, $2, $3, $4, $5)
     on conflict (target_id) do update set
       snapshot_id = excluded.snapshot_id, captured_at = excluded.captured_at, removed = excluded.removed, text_sha256 = excluded.text_sha256
     where (search_latest.captured_at, search_latest.snapshot_id) <= (excluded.captured_at, excluded.snapshot_id)`,
    [a.targetId, a.snapshotId, a.capturedAt, a.removed, a.textSha256],
  );
}

/** Rows of the index, for tests and `search reindex`: distinct texts, page-text sightings, pages with an answer. */
export async function countSearchRows(db: Queryable): Promise<{ texts: number; sightings: number; pages: number }> {
  const { rows } = await db.query<{ texts: number; sightings: number; pages: number }>(
    `select (select count(*)::int from search_texts) as texts, (select count(*)::int from search_sightings) as sightings,
       (select count(*)::int from search_latest) as pages`,
  );
  return rows[0]!;
}
