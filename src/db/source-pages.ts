import type { Queryable } from './pool.ts';

/**
 * Which targets a source lists (`source_pages`): since when, what it last said of each, and how many complete
 * runs in a row left each out. One exported function per statement; batches travel as one array per column.
 */

/** One page of a batch as the run found it, matched to its target. */
export interface Listing {
  targetId: number;
  lastmod: Date | null;
  archiveTimestamp: string | null;
}

/** What Postgres knows of one URL of a batch: its target, if watched, and this source's record of it. */
export interface KnownUrl {
  url: string;
  targetId: number;
  screening: 'pending' | 'screened' | null;
  /** Whether this source listed the target before (a row in source_pages). */
  listed: boolean;
  lastmod: Date | null;
  archiveTimestamp: string | null;
}

/** The watched targets among `urls` (normalised), each with what source `sourceId` recorded of it, if anything. */
export async function findKnownUrls(db: Queryable, sourceId: number, urls: string[]): Promise<KnownUrl[]> {
  if (urls.length === 0) return [];
  const { rows } = await db.query<{ url: string; id: string; screening: KnownUrl['screening']; listed: boolean; lastmod: Date | null; archive_timestamp: string | null }>(
    `select t.url, t.id, t.screening, p.target_id is not null as listed, p.lastmod, p.archive_timestamp
     from targets t left join source_pages p on p.target_id = t.id and p.source_id = $1
     where t.url = any($2::text[])`,
    [sourceId, urls],
  );
  return rows.map((r) => ({ url: r.url, targetId: Number(r.id), screening: r.screening, listed: r.listed, lastmod: r.lastmod, archiveTimestamp: r.archive_timestamp }));
}

/**
 * Records that the source listed these targets at `at`: new rows start then; known ones take the newest lastmod
 * and archive timestamp given, and a page listed again is no longer missing nor delisted (cleared silently).
 */
export async function recordListings(db: Queryable, sourceId: number, listings: Listing[], at: Date): Promise<void> {
  if (listings.length === 0) return;
  await db.query(
    `insert into source_pages (source_id, target_id, first_listed_at, last_listed_at, lastmod, archive_timestamp)
     select $1, r.target_id, $2, $2, r.lastmod, r.archive_timestamp
     from unnest($3::bigint[], $4::timestamptz[], $5::text[]) as r(target_id, lastmod, archive_timestamp)
     on conflict (source_id, target_id) do update set
       last_listed_at = excluded.last_listed_at,
       lastmod = coalesce(excluded.lastmod, source_pages.lastmod),
       archive_timestamp = coalesce(excluded.archive_timestamp, source_pages.archive_timestamp),
       missed_runs = 0,
       delisted_at = null`,
    [sourceId, at, listings.map((l) => l.targetId), listings.map((l) => l.lastmod), listings.map((l) => l.archiveTimestamp)],
  );
}

/** How many pages the source lists (what `maxTargets` counts). */
export async function countSourcePages(db: Queryable, sourceId: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>('select count(*) as n from source_pages where source_id = $1', [sourceId]);
  return Number(rows[0]?.n ?? 0);
}

/** How many of the targets the source lists were screened out (`--only-matching`). */
export async function countScreenedOut(db: Queryable, sourceId: number): Promise<number> {
  const { rows } = await db.query<{ n: string }>(
    `select count(*) as n from source_pages p join targets t on t.id = p.target_id where p.source_id = $1 and t.screening = 'screened'`,
    [sourceId],
  );
  return Number(rows[0]?.n ?? 0);
}

/** A page a complete run left out, as bumpMissedRuns returns it. */
export interface MissedPage {
  targetId: number;
  missedRuns: number;
  lastListedAt: Date;
  delistedAt: Date | null;
}

/** Counts one more missed run for every page of the source the run begun at `runAt` did not list; returns them. */
export async function bumpMissedRuns(db: Queryable, sourceId: number, runAt: Date): Promise<MissedPage[]> {
  const { rows } = await db.query<{ target_id: string; missed_runs: number; last_listed_at: Date; delisted_at: Date | null }>(
    `update source_pages set missed_runs = missed_runs + 1
     where source_id = $1 and last_listed_at < $2
     returning target_id, missed_runs, last_listed_at, delisted_at`,
    [sourceId, runAt],
  );
  return rows.map((r) => ({ targetId: Number(r.target_id), missedRuns: r.missed_runs, lastListedAt: r.last_listed_at, delistedAt: r.delisted_at }));
}

/** A target's latest capture by scrubwatch itself (archived copies are not the page answering), or null. */
export async function findLatestCapture(db: Queryable, targetId: number): Promise<{ snapshotId: number; outcome: string | null } | null> {
  const { rows } = await db.query<{ id: string; outcome: string | null }>(
    `select id, outcome from snapshots where target_id = $1 and origin = 'capture' order by started_at desc, id desc limit 1`,
    [targetId],
  );
  return rows[0] ? { snapshotId: Number(rows[0].id), outcome: rows[0].outcome } : null;
}

/** Marks a page delisted from the source at `at` (the alert was raised in the same transaction). */
export async function markDelisted(db: Queryable, sourceId: number, targetId: number, at: Date): Promise<void> {
  await db.query('update source_pages set delisted_at = $3 where source_id = $1 and target_id = $2', [sourceId, targetId, at]);
}

/** Sets screened targets back to screening (`pending`): the source shows them changed, so they are judged again. */
export async function rescreenTargets(db: Queryable, targetIds: number[]): Promise<void> {
  if (targetIds.length === 0) return;
  await db.query(`update targets set screening = 'pending', updated_at = now() where id = any($1::bigint[]) and screening = 'screened'`, [targetIds]);
}
