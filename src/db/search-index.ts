import type { Queryable } from './pool.ts';
import type { SearchDocument } from '../search/search-document.ts';

/** The text search configuration of sql/010_search.sql: words as written, case and accents folded. */
export const SEARCH_CONFIG = 'scrubwatch_search';

/** One stored snapshot as the index records it (src/search/index-snapshot.ts decides what it says). */
export interface SnapshotIndexEntry {
  targetId: number;
  snapshotId: number;
  /** When scrubwatch read the page: orders the page's answers. */
  capturedAt: Date;
  /** When the page said it: the capture, or the Internet Archive's copy it was read from. */
  seenAt: Date;
  /** The page answered "gone" (a 404, a soft 404, a redirect to a generic page). */
  removed: boolean;
  /** The page's searchable text and its SHA-256, or null when it showed none (or is gone). */
  text: { sha256: Buffer; doc: SearchDocument } | null;
}

/**
 * Records one snapshot in the index, in one statement: the text once under its SHA-256 (its tsvector computed only
 * when the text is new — a page re-captured unchanged costs a primary-key probe), the page's sighting of that text
 * widened to this snapshot, and the page's latest answer unless a later one is recorded (a late capture never
 * overrides a newer view). Idempotent.
 */
export async function recordSnapshotIndex(db: Queryable, e: SnapshotIndexEntry): Promise<void> {
  const t = e.text;
  await db.query(
    // `doc` is materialized so the planner checks for the text before it would compute a tsvector.
    `with doc as materialized (
       select $1::bytea as sha256 where $1::bytea is not null and not exists (select 1 from search_texts where sha256 = $1::bytea)),
     new_text as (
       insert into search_texts (sha256, title, main, captions, embeds, document)
       select sha256, $2::text, $3::text, $4::text, $5::text, search_document($2::text, $3::text, $4::text, $5::text) from doc
       on conflict (sha256) do nothing),
     sighting as (
       insert into search_sightings as s (target_id, text_sha256, first_snapshot_id, first_seen_at, last_snapshot_id, last_seen_at)
       select $6, $1::bytea, $7, $8, $7, $8 where $1::bytea is not null
       on conflict (target_id, text_sha256) do update set
         first_snapshot_id = case when excluded.first_seen_at < s.first_seen_at then excluded.first_snapshot_id else s.first_snapshot_id end,
         first_seen_at = least(s.first_seen_at, excluded.first_seen_at),
         last_snapshot_id = case when (excluded.last_seen_at, excluded.last_snapshot_id) >= (s.last_seen_at, s.last_snapshot_id)
           then excluded.last_snapshot_id else s.last_snapshot_id end,
         last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at))
     insert into search_latest as l (target_id, snapshot_id, captured_at, removed, text_sha256) values ($6, $7, $9, $10, $1::bytea)
     on conflict (target_id) do update set
       snapshot_id = excluded.snapshot_id, captured_at = excluded.captured_at, removed = excluded.removed, text_sha256 = excluded.text_sha256
     where (l.captured_at, l.snapshot_id) <= (excluded.captured_at, excluded.snapshot_id)`,
    [t?.sha256 ?? null, t?.doc.title ?? '', t?.doc.main ?? '', t?.doc.captions ?? '', t?.doc.embeds ?? '', e.targetId, e.snapshotId, e.seenAt, e.capturedAt, e.removed],
  );
}

/** Whether a text is indexed already. */
export async function hasSearchText(db: Queryable, sha256: Buffer): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>('select exists (select 1 from search_texts where sha256 = $1) as any', [sha256]);
  return rows[0]!.any;
}

/** Indexes a text alone, with no page's sighting (a saved search's baseline read on demand). */
export async function insertSearchText(db: Queryable, sha256: Buffer, doc: SearchDocument): Promise<void> {
  await db.query(
    `insert into search_texts (sha256, title, main, captions, embeds, document)
     select $1, $2::text, $3::text, $4::text, $5::text, search_document($2::text, $3::text, $4::text, $5::text)
     where not exists (select 1 from search_texts where sha256 = $1)
     on conflict (sha256) do nothing`,
    [sha256, doc.title, doc.main, doc.captions, doc.embeds],
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
