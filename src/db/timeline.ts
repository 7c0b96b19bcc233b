import type { Queryable } from './pool.ts';
import type { Outcome } from '../detect/outcome.ts';

/** One snapshot on a target's timeline, with how it differed from the snapshot before it. */
export interface TimelineEntry {
  snapshotId: number;
  createdAt: string;
  fetcher: string;
  status: number | null;
  outcome: Outcome | null;
  signal: string | null;
  errorCode: string | null;
  title: string | null;
  counts: { blocks: number; media: number; embeds: number };
  /** `archive` for a copy the Internet Archive took (when: `archivedAt`; where: `archiveUrl`), else `capture`. */
  origin: 'capture' | 'archive';
  archivedAt: string | null;
  archiveUrl: string | null;
  /** Null for the first snapshot (nothing to compare with). */
  change: {
    previousSnapshotId: number;
    unchanged: boolean;
    blocksAdded: number;
    blocksRemoved: number;
    mediaAdded: number;
    mediaRemoved: number;
    mediaFailed: number;
    embedsRemoved: number;
    statusChanged: boolean;
  } | null;
}

interface TimelineRow {
  id: number;
  created_at: Date;
  fetcher: string;
  status: number | null;
  outcome: Outcome | null;
  outcome_signal: string | null;
  error_code: string | null;
  title: string | null;
  block_count: number;
  media_count: number;
  embed_count: number;
  origin: 'capture' | 'archive';
  archived_at: Date | null;
  archive_url: string | null;
  previous_snapshot_id: number | null;
  unchanged: boolean | null;
  blocks_added: number | null;
  blocks_removed: number | null;
  media_added: number | null;
  media_removed: number | null;
  media_failed: number | null;
  embeds_removed: number | null;
  status_changed: boolean | null;
}

/** A target's snapshots newest first, each with the size of its change record. */
export async function listTimeline(db: Queryable, targetId: number, limit = 100): Promise<TimelineEntry[]> {
  const { rows } = await db.query<TimelineRow>(
    `select s.id, s.created_at, s.fetcher, s.status, s.outcome, s.outcome_signal, s.error_code, s.title,
       s.block_count, s.media_count, s.embed_count, s.origin, s.archived_at, s.archive_url, c.previous_snapshot_id, c.unchanged,
       jsonb_array_length(coalesce(c.record->'blocks'->'added', '[]'))::int as blocks_added,
       jsonb_array_length(coalesce(c.record->'blocks'->'removed', '[]'))::int as blocks_removed,
       jsonb_array_length(coalesce(c.record->'media'->'added', '[]'))::int as media_added,
       jsonb_array_length(coalesce(c.record->'media'->'removed', '[]'))::int as media_removed,
       jsonb_array_length(coalesce(c.record->'media'->'failed', '[]'))::int as media_failed,
       jsonb_array_length(coalesce(c.record->'embeds'->'removed', '[]'))::int as embeds_removed,
       (c.record->'status' is not null and c.record->'status' <> 'null'::jsonb) as status_changed
     from snapshots s left join changes c on c.snapshot_id = s.id
     where s.target_id = $1 order by s.id desc limit $2`,
    [targetId, limit],
  );
  return rows.map((r) => ({
    snapshotId: r.id,
    createdAt: r.created_at.toISOString(),
    fetcher: r.fetcher,
    status: r.status,
    outcome: r.outcome,
    signal: r.outcome_signal,
    errorCode: r.error_code,
    title: r.title,
    counts: { blocks: r.block_count, media: r.media_count, embeds: r.embed_count },
    origin: r.origin,
    archivedAt: r.archived_at?.toISOString() ?? null,
    archiveUrl: r.archive_url,
    change:
      r.previous_snapshot_id === null
        ? null
        : {
            previousSnapshotId: r.previous_snapshot_id,
            unchanged: r.unchanged ?? false,
            blocksAdded: r.blocks_added ?? 0,
            blocksRemoved: r.blocks_removed ?? 0,
            mediaAdded: r.media_added ?? 0,
            mediaRemoved: r.media_removed ?? 0,
            mediaFailed: r.media_failed ?? 0,
            embedsRemoved: r.embeds_removed ?? 0,
            statusChanged: r.status_changed ?? false,
          },
  }));
}
