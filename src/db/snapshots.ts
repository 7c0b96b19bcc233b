import type { Queryable } from './pool.ts';
import type { CaptureErrorCode, CaptureResult, RedirectHop, SnapshotSource } from '../page-data/capture-result.ts';
import type { Outcome } from '../detect/outcome.ts';
import type { CheckTier, EscalationReason } from '../tiers/escalation.ts';

/** A stored capture's metadata; its large parts are blobs named by `parts`. */
export interface Snapshot extends Pick<CaptureResult, 'fetcher' | 'requestedUrl' | 'finalUrl' | 'redirects' | 'status' | 'headers' | 'error'> {
  id: number;
  targetId: number;
  jobId: string;
  /** ok, gone, blocked or error, and the rule that decided (e.g. status_404, waf_akamai, soft_404_wording). */
  outcome: { kind: Outcome; signal: string } | null;
  title: string | null;
  canonicalUrl: string | null;
  startedAt: string;
  durationMs: number;
  fingerprint: string;
  parts: { facts: string | null; html: string | null; text: string | null; screenshot: string | null; raw: string | null };
  counts: { blocks: number; media: number; links: number; embeds: number };
  /**
   * `capture` for scrubwatch's own capture; `archive` for an archived copy read from the Wayback Machine (a source's
   * baseline), never to be shown as scrubwatch's own: `archivedAt` is when the Internet Archive took it, `archiveUrl`
   * its public copy.
   */
  origin: SnapshotOrigin;
  archivedAt: string | null;
  archiveUrl: string | null;
  /** Which tier answered: `full` a browser capture (or the target's own fetcher), `cheap` a plain-HTTP check that found the page as before. */
  tier: CheckTier;
  /** Why the check went to the browser when the cheap tier could have answered it; null when it was not sent there. */
  escalation: EscalationReason | null;
  createdAt: string;
}

/** Who took a snapshot: scrubwatch (`capture`) or the Internet Archive (`archive`). */
export type SnapshotOrigin = 'capture' | 'archive';

export type NewSnapshot = Omit<Snapshot, 'id' | 'createdAt' | 'startedAt' | 'origin' | 'archivedAt' | 'archiveUrl' | 'tier' | 'escalation'> & {
  startedAt: Date;
  /** `full` when absent. */
  tier?: CheckTier;
  escalation?: EscalationReason | null;
  /** Set for an archived copy; absent for scrubwatch's own capture. */
  archive?: { archivedAt: Date; archiveUrl: string } | undefined;
};

/** A row of the view `full_snapshots`: every column filled in, digests in hex. */
interface SnapshotRow {
  id: number;
  target_id: number;
  job_id: string;
  fetcher: SnapshotSource;
  requested_url: string;
  final_url: string;
  redirects: RedirectHop[];
  status: number | null;
  headers: Record<string, string>;
  error_code: CaptureErrorCode | null;
  error_message: string | null;
  outcome: Outcome | null;
  outcome_signal: string | null;
  title: string | null;
  canonical_url: string | null;
  started_at: Date;
  duration_ms: number;
  fingerprint: string;
  facts_sha256: string | null;
  html_sha256: string | null;
  text_sha256: string | null;
  screenshot_sha256: string | null;
  raw_sha256: string | null;
  block_count: number;
  media_count: number;
  link_count: number;
  embed_count: number;
  origin: SnapshotOrigin;
  archived_at: Date | null;
  archive_url: string | null;
  tier: CheckTier;
  escalation: EscalationReason | null;
  created_at: Date;
}

function toSnapshot(r: SnapshotRow): Snapshot {
  return {
    id: r.id,
    targetId: r.target_id,
    jobId: r.job_id,
    fetcher: r.fetcher,
    requestedUrl: r.requested_url,
    finalUrl: r.final_url,
    redirects: r.redirects,
    status: r.status,
    headers: r.headers,
    error: r.error_code ? { code: r.error_code, message: r.error_message ?? '' } : null,
    outcome: r.outcome ? { kind: r.outcome, signal: r.outcome_signal ?? '' } : null,
    title: r.title,
    canonicalUrl: r.canonical_url,
    startedAt: r.started_at.toISOString(),
    durationMs: r.duration_ms,
    fingerprint: r.fingerprint,
    parts: { facts: r.facts_sha256, html: r.html_sha256, text: r.text_sha256, screenshot: r.screenshot_sha256, raw: r.raw_sha256 },
    counts: { blocks: r.block_count, media: r.media_count, links: r.link_count, embeds: r.embed_count },
    origin: r.origin,
    archivedAt: r.archived_at?.toISOString() ?? null,
    archiveUrl: r.archive_url,
    tier: r.tier,
    escalation: r.escalation,
    createdAt: r.created_at.toISOString(),
  };
}

/**
 * Inserts a snapshot. When it reads exactly as the snapshot whose evidence the target's latest row holds (same
 * fingerprint, parts, title, canonical URL, final URL, redirects and counts: an unchanged check), the row names that
 * snapshot in `evidence_snapshot_id` and leaves those columns out (of the headers, all but those that differ), and
 * `full_snapshots` reads them back: an unchanged check's row weighs a third of a full one. Digests go in as hex, stored as bytes.
 */
export async function insertSnapshot(db: Queryable, s: NewSnapshot): Promise<Snapshot> {
  const { rows } = await db.query<{ id: number }>(
    `with evidence as (
       select e.* from snapshots l join snapshots e on e.id = coalesce(l.evidence_snapshot_id, l.id)
        where l.target_id = $1 order by l.id desc limit 1
     ), same as (
       select e.id, (select jsonb_object_agg(d.key, d.value) from (
           select n.key, n.value from jsonb_each($8::jsonb) n where e.headers->n.key is distinct from n.value
           union all select o.key, 'null'::jsonb from jsonb_each(e.headers) o where not $8::jsonb ? o.key) d) as headers
         from evidence e
        where e.fingerprint = decode($17, 'hex') and e.final_url = $5::text and e.redirects = $6::jsonb
          and e.title is not distinct from $13::text and e.canonical_url is not distinct from $14::text
          and e.facts_sha256 is not distinct from decode($18, 'hex') and e.html_sha256 is not distinct from decode($19, 'hex')
          and e.text_sha256 is not distinct from decode($20, 'hex') and e.screenshot_sha256 is not distinct from decode($21, 'hex')
          and e.raw_sha256 is not distinct from decode($26, 'hex')
          and e.block_count = $22::int and e.media_count = $23::int and e.link_count = $24::int and e.embed_count = $25::int
     )
     , inserted as (
     insert into snapshots (target_id, job_id, fetcher, requested_url, final_url, redirects, status, headers,
       error_code, error_message, outcome, outcome_signal, title, canonical_url, started_at, duration_ms, fingerprint,
       facts_sha256, html_sha256, text_sha256, screenshot_sha256, block_count, media_count, link_count, embed_count, raw_sha256,
       origin, archived_at, archive_url, tier, escalation, evidence_snapshot_id)
     select $1, $2, $3, $4, case when same.id is null then $5::text end, case when same.id is null then $6::jsonb end, $7,
       case when same.id is null then $8::jsonb else same.headers end, $9, $10, $11, $12,
       case when same.id is null then $13::text end, case when same.id is null then $14::text end, $15, $16,
       case when same.id is null then decode($17, 'hex') end, case when same.id is null then decode($18, 'hex') end,
       case when same.id is null then decode($19, 'hex') end, case when same.id is null then decode($20, 'hex') end,
       case when same.id is null then decode($21, 'hex') end, case when same.id is null then $22::int end,
       case when same.id is null then $23::int end, case when same.id is null then $24::int end,
       case when same.id is null then $25::int end, case when same.id is null then decode($26, 'hex') end,
       $27, $28, $29, $30, $31, same.id
     from (select) one left join same on true
     returning id, origin, tier, escalation
     ), tallied as (
       -- /metrics counts the check (sql/016_check_tallies.sql) in the statement that stores it.
       insert into check_tallies (tier, escalation, shard, checks)
       select tier, coalesce(escalation, ''), id % 8, 1 from inserted where origin = 'capture'
       on conflict (tier, escalation, shard) do update set checks = check_tallies.checks + 1
     )
     select id from inserted`,
    [
      s.targetId, s.jobId, s.fetcher, s.requestedUrl, s.finalUrl, JSON.stringify(s.redirects), s.status,
      JSON.stringify(s.headers), s.error?.code ?? null, s.error?.message ?? null, s.outcome?.kind ?? null, s.outcome?.signal ?? null, s.title, s.canonicalUrl,
      s.startedAt, s.durationMs, s.fingerprint, s.parts.facts, s.parts.html, s.parts.text, s.parts.screenshot,
      s.counts.blocks, s.counts.media, s.counts.links, s.counts.embeds, s.parts.raw,
      s.archive ? 'archive' : 'capture', s.archive?.archivedAt ?? null, s.archive?.archiveUrl ?? null,
      s.tier ?? 'full', s.escalation ?? null,
    ],
  );
  return (await getSnapshot(db, rows[0]!.id))!;
}

export async function getSnapshot(db: Queryable, id: number): Promise<Snapshot | null> {
  const { rows } = await db.query<SnapshotRow>('select * from full_snapshots where id = $1', [id]);
  return rows[0] ? toSnapshot(rows[0]) : null;
}

/** The snapshot a queue job already wrote, if any: how a retried job stays idempotent. */
export async function findSnapshotByJob(db: Queryable, targetId: number, jobId: string): Promise<Snapshot | null> {
  const { rows } = await db.query<SnapshotRow>('select * from full_snapshots where target_id = $1 and job_id = $2', [targetId, jobId]);
  return rows[0] ? toSnapshot(rows[0]) : null;
}

/**
 * The latest capture (the one that began last) in which the site itself answered (outcome ok or gone; for
 * snapshots from before outcomes were kept, any with a status): what a new capture's change record is taken
 * against. A timeout or a firewall page in between is not the page, so it is passed over.
 */
export async function findPreviousAnswered(db: Queryable, targetId: number): Promise<Snapshot | null> {
  const { rows } = await db.query<SnapshotRow>(
    `select * from full_snapshots where id = coalesce(
       (select id from snapshots where target_id = $1 and outcome in ('ok', 'gone') order by started_at desc, id desc limit 1),
       (select id from snapshots where target_id = $1 and outcome is null and status is not null order by started_at desc, id desc limit 1),
       (select id from snapshots where target_id = $1 order by started_at desc, id desc limit 1))`,
    [targetId],
  );
  return rows[0] ? toSnapshot(rows[0]) : null;
}

/**
 * Whether scrubwatch captured the target (a capture of it was stored, whatever its outcome). An archived copy
 * stored as its baseline does not count: the page itself was not seen yet.
 */
export async function hasOwnCapture(db: Queryable, targetId: number): Promise<boolean> {
  const { rows } = await db.query<{ any: boolean }>("select exists (select 1 from snapshots where target_id = $1 and origin = 'capture') as any", [targetId]);
  return rows[0]!.any;
}

/** Whether a capture of the target that began after `startedAt` is stored already. */
export async function hasCaptureStartedAfter(db: Queryable, targetId: number, startedAt: Date): Promise<boolean> {
  const { rows } = await db.query<{ later: boolean }>(
    'select exists (select 1 from snapshots where target_id = $1 and started_at > $2) as later',
    [targetId, startedAt],
  );
  return rows[0]!.later;
}

/** A target's snapshots, newest first. */
export async function listSnapshots(db: Queryable, targetId: number, limit = 100): Promise<Snapshot[]> {
  const { rows } = await db.query<SnapshotRow>(
    'select * from full_snapshots where target_id = $1 order by id desc limit $2',
    [targetId, limit],
  );
  return rows.map(toSnapshot);
}

/** One page of a target's snapshots, newest first: `before` is the last id of the previous page. */
export async function listSnapshotsPage(db: Queryable, targetId: number, page: { before?: number | undefined; limit: number }): Promise<Snapshot[]> {
  const { rows } = await db.query<SnapshotRow>(
    'select * from full_snapshots where target_id = $1 and ($2::bigint is null or id < $2) order by id desc limit $3',
    [targetId, page.before ?? null, page.limit],
  );
  return rows.map(toSnapshot);
}

/** Up to `limit` snapshots of every target in id order after `after` (keyset): how `search reindex` walks them all. */
export async function listSnapshotsAfter(db: Queryable, after: number, limit: number): Promise<Snapshot[]> {
  const { rows } = await db.query<SnapshotRow>('select * from full_snapshots where id > $1 order by id limit $2', [after, limit]);
  return rows.map(toSnapshot);
}

/** How many snapshots are stored, of every target. */
export async function countSnapshots(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>('select count(*)::int as n from snapshots');
  return rows[0]!.n;
}
