import type { Queryable } from './pool.ts';
import type { Outcome } from '../detect/outcome.ts';
import type { Severity } from '../detect/findings.ts';
import type { CheckTier } from '../tiers/escalation.ts';

/** An alert a snapshot raised, as the timeline names it. */
export interface TimelineAlert {
  id: number;
  kind: string;
  severity: Severity;
  state: 'open' | 'confirmed' | 'dismissed';
}

/** One snapshot on a target's timeline, with how it differed from the snapshot before it. */
export interface TimelineEntry {
  snapshotId: number;
  createdAt: string;
  fetcher: string;
  /** `cheap` for a plain-HTTP check that found the page as before (docs/checking-tiers.md), else `full`. */
  tier: CheckTier;
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
  /** Whether the snapshot holds a screenshot (the timeline shows its thumbnail). */
  hasScreenshot: boolean;
  /** The alerts this snapshot raised (it was their confirming capture), oldest first. */
  alerts: TimelineAlert[];
  /** Whether a removal was pending at this snapshot (see LabelFacts.suspected in src/review/timeline-label.ts). */
  suspected: boolean;
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
  tier: CheckTier;
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
  has_screenshot: boolean;
  alerts: TimelineAlert[];
  suspected: boolean;
}

/** One page of a target's timeline: `before` (a snapshot id) starts after the previous page; at most `limit`. */
export interface TimelinePage {
  before?: number | undefined;
  limit: number;
}

/**
 * A page of a target's snapshots newest first, each with the size of its change record, the alerts it raised and
 * whether a removal was pending at it: a snapshot from the first without something up to (not including) the one
 * that confirmed it, as alerts' evidence records, or from the first of a removal still pending in target_states.
 */
export async function listTimeline(db: Queryable, targetId: number, page: TimelinePage): Promise<TimelineEntry[]> {
  const { rows } = await db.query<TimelineRow>(
    `select s.id, s.created_at, s.fetcher, s.tier, s.status, s.outcome, s.outcome_signal, s.error_code, s.title,
       s.block_count, s.media_count, s.embed_count, s.origin, s.archived_at, s.archive_url, c.previous_snapshot_id, c.unchanged,
       jsonb_array_length(coalesce(c.record->'blocks'->'added', '[]'))::int as blocks_added,
       jsonb_array_length(coalesce(c.record->'blocks'->'removed', '[]'))::int as blocks_removed,
       jsonb_array_length(coalesce(c.record->'media'->'added', '[]'))::int as media_added,
       jsonb_array_length(coalesce(c.record->'media'->'removed', '[]'))::int as media_removed,
       jsonb_array_length(coalesce(c.record->'media'->'failed', '[]'))::int as media_failed,
       jsonb_array_length(coalesce(c.record->'embeds'->'removed', '[]'))::int as embeds_removed,
       (c.record->'status' is not null and c.record->'status' <> 'null'::jsonb) as status_changed,
       (s.screenshot_sha256 is not null) as has_screenshot,
       coalesce((select jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'severity', a.severity, 'state', a.state) order by a.id)
                 from alerts a where a.snapshot_id = s.id), '[]'::jsonb) as alerts,
       (exists (select 1 from alerts a where a.target_id = s.target_id and a.snapshot_id > s.id
                  and jsonb_typeof(a.evidence->'firstWithoutSnapshotId') = 'number' and (a.evidence->>'firstWithoutSnapshotId')::bigint <= s.id)
        or exists (select 1 from target_states ts cross join lateral jsonb_each(ts.pending) p
                   where ts.target_id = s.target_id and jsonb_typeof(p.value->'firstSnapshotId') = 'number' and (p.value->>'firstSnapshotId')::bigint <= s.id)) as suspected
     from full_snapshots s left join changes c on c.snapshot_id = s.id
     where s.target_id = $1 and ($2::bigint is null or s.id < $2) order by s.id desc limit $3`,
    [targetId, page.before ?? null, page.limit],
  );
  return rows.map((r) => ({
    snapshotId: r.id,
    createdAt: r.created_at.toISOString(),
    fetcher: r.fetcher,
    tier: r.tier,
    status: r.status,
    outcome: r.outcome,
    signal: r.outcome_signal,
    errorCode: r.error_code,
    title: r.title,
    counts: { blocks: r.block_count, media: r.media_count, embeds: r.embed_count },
    origin: r.origin,
    archivedAt: r.archived_at?.toISOString() ?? null,
    archiveUrl: r.archive_url,
    hasScreenshot: r.has_screenshot,
    alerts: r.alerts,
    suspected: r.suspected,
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
