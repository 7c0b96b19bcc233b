import type { Queryable } from './pool.ts';

/**
 * What the capture path asks of the sources that list a target: the archived copy to take as its baseline, the
 * phrases an `--only-matching` source screens it with, whether a source delisted it; and the screening verdict it
 * writes back. The rows themselves (`source_pages`) are written by discovery (src/db/source-pages.ts).
 */

/** The newest archived copy (YYYYMMDDhhmmss) an archive source listing the target named, or null when none did. */
export async function newestArchiveTimestamp(db: Queryable, targetId: number): Promise<string | null> {
  const { rows } = await db.query<{ ts: string | null }>(
    `select max(p.archive_timestamp) as ts from source_pages p join sources s on s.id = p.source_id
     where p.target_id = $1 and s.kind = 'archive'`,
    [targetId],
  );
  return rows[0]?.ts ?? null;
}

/** Whether the target has the archived copy taken at `archivedAt` stored as a snapshot already. */
export async function hasArchivedCopy(db: Queryable, targetId: number, archivedAt: Date): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>(
    "select exists (select 1 from snapshots where target_id = $1 and origin = 'archive' and archived_at = $2) as any",
    [targetId, archivedAt],
  );
  return rows[0]!.any;
}

/** The phrases of every `--only-matching` source that lists the target (distinct), and whether any is an archive. */
export async function screeningPhrases(db: Queryable, targetId: number): Promise<{ phrases: string[]; archive: boolean }> {
  const { rows } = await db.query<{ phrases: string[] | null; archive: boolean | null }>(
    `select array(select distinct unnest(s.phrases) from sources s join source_pages p on p.source_id = s.id
                  where p.target_id = $1 and s.only_matching) as phrases,
            bool_or(s.kind = 'archive') as archive
     from sources s join source_pages p on p.source_id = s.id where p.target_id = $1 and s.only_matching`,
    [targetId],
  );
  return { phrases: rows[0]?.phrases ?? [], archive: rows[0]?.archive ?? false };
}

/**
 * Writes a target's screening: `pending` (found by an `--only-matching` source, not judged yet), or a verdict —
 * null (kept, scheduled as any target) or `screened` (kept, not scheduled).
 */
export async function setScreening(db: Queryable, targetId: number, screening: 'pending' | 'screened' | null): Promise<void> {
  await db.query('update targets set screening = $2, updated_at = now() where id = $1', [targetId, screening]);
}

/** The source that delisted the target most recently and when, or null when no source listing it delisted it. */
export async function findDelisting(db: Queryable, targetId: number): Promise<{ sourceId: number; delistedAt: Date } | null> {
  const { rows } = await db.query<{ source_id: string; delisted_at: Date }>(
    `select source_id, delisted_at from source_pages where target_id = $1 and delisted_at is not null
     order by delisted_at desc, source_id limit 1`,
    [targetId],
  );
  return rows[0] ? { sourceId: Number(rows[0].source_id), delistedAt: rows[0].delisted_at } : null;
}

/** A source's listing of a target, as discovery records it: what tests of the capture path start from. */
export interface SourcePageRow {
  sourceId: number;
  targetId: number;
  archiveTimestamp?: string | null;
  lastmod?: Date | null;
  delistedAt?: Date | null;
}

/** Records (or updates) that a source lists a target. Discovery has its own writer; this one serves tests and tools. */
export async function putSourcePage(db: Queryable, row: SourcePageRow): Promise<void> {
  await db.query(
    `insert into source_pages (source_id, target_id, archive_timestamp, lastmod, delisted_at) values ($1, $2, $3, $4, $5)
     on conflict (source_id, target_id) do update
       set archive_timestamp = excluded.archive_timestamp, lastmod = excluded.lastmod, delisted_at = excluded.delisted_at`,
    [row.sourceId, row.targetId, row.archiveTimestamp ?? null, row.lastmod ?? null, row.delistedAt ?? null],
  );
}
