import type { Queryable } from './pool.ts';
import type { AlertFilter, AlertState } from './alerts.ts';
import type { Severity } from '../detect/findings.ts';

/** An alert as the review UI lists it: with its target's name and URL, and who triaged it. */
export interface InboxAlert {
  id: number;
  targetId: number;
  targetName: string | null;
  targetUrl: string;
  kind: string;
  severity: Severity;
  state: AlertState;
  snapshotId: number;
  changeId: number | null;
  /** The snapshot the change compared with: the "before" of the alert's diff. */
  previousSnapshotId: number | null;
  summary: string;
  evidence: Record<string, unknown>;
  triagedBy: string | null;
  triageNote: string | null;
  triagedAt: string | null;
  createdAt: string;
}

export interface InboxFilter extends AlertFilter {
  limit?: number;
}

interface InboxRow {
  id: number;
  target_id: number;
  target_name: string | null;
  target_url: string;
  kind: string;
  severity: Severity;
  state: AlertState;
  snapshot_id: number;
  change_id: number | null;
  previous_snapshot_id: number | null;
  summary: string;
  evidence: Record<string, unknown>;
  triaged_by: string | null;
  triage_note: string | null;
  triaged_at: Date | null;
  created_at: Date;
}

function toInboxAlert(r: InboxRow): InboxAlert {
  return {
    id: r.id,
    targetId: r.target_id,
    targetName: r.target_name,
    targetUrl: r.target_url,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    snapshotId: r.snapshot_id,
    changeId: r.change_id,
    previousSnapshotId: r.previous_snapshot_id,
    summary: r.summary,
    evidence: r.evidence,
    triagedBy: r.triaged_by,
    triageNote: r.triage_note,
    triagedAt: r.triaged_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
  };
}

const SELECT = `select a.id, a.target_id, t.name as target_name, t.url as target_url, a.kind, a.severity, a.state,
  a.snapshot_id, a.change_id, c.previous_snapshot_id, a.summary, a.evidence, a.triaged_by, a.triage_note,
  a.triaged_at, a.created_at
  from alerts a join targets t on t.id = a.target_id left join changes c on c.id = a.change_id`;

// The filters, as $1..$6 of the statements below.
const WHERE = `($1::text is null or a.state = $1)
  and ($2::text is null or a.severity = $2)
  and ($3::text is null or a.kind = $3)
  and ($4::bigint is null or a.target_id = $4)
  and ($5::text is null or $5 = any(t.tags))
  and ($6::bigint is null or a.target_id in (select sp.target_id from source_pages sp where sp.source_id = $6))`;

const filterParams = (f: AlertFilter) => [f.state ?? null, f.severity ?? null, f.kind ?? null, f.targetId ?? null, f.tag ?? null, f.sourceId ?? null];

/** Alerts newest first, narrowed by any of the filters. */
export async function listInboxAlerts(db: Queryable, filter: InboxFilter = {}): Promise<InboxAlert[]> {
  const { rows } = await db.query<InboxRow>(`${SELECT} where ${WHERE} order by a.id desc limit $7`, [...filterParams(filter), filter.limit ?? 200]);
  return rows.map(toInboxAlert);
}

/** An inbox alert and the newest alert id of its group, the group's place in the inbox and its paging cursor. */
export type GroupedInboxAlert = InboxAlert & { groupTop: number };

/**
 * The alerts of one page of the inbox's groups: alerts raised by the same capture (one snapshot, so one target) are
 * one group, ordered by their newest alert, newest first; `before` is the last group's newest id on the previous
 * page. A page holds whole groups only — the limit counts groups, not alerts — so no group is split across pages.
 */
export async function listInboxGroupAlerts(db: Queryable, filter: AlertFilter, page: { before?: number | undefined; groups: number }): Promise<GroupedInboxAlert[]> {
  const { rows } = await db.query<InboxRow & { group_top: number }>(
    `with tops as (select a.snapshot_id, max(a.id) as group_top from alerts a join targets t on t.id = a.target_id where ${WHERE}
                   group by a.snapshot_id having ($7::bigint is null or max(a.id) < $7) order by group_top desc limit $8)
     ${SELECT.replace('select ', 'select tops.group_top, ')} join tops on tops.snapshot_id = a.snapshot_id
     where ${WHERE} order by tops.group_top desc, a.id desc`,
    [...filterParams(filter), page.before ?? null, page.groups],
  );
  return rows.map((r) => ({ ...toInboxAlert(r), groupTop: r.group_top }));
}

export async function getInboxAlert(db: Queryable, id: number): Promise<InboxAlert | null> {
  const { rows } = await db.query<InboxRow>(`${SELECT} where a.id = $1`, [id]);
  return rows[0] ? toInboxAlert(rows[0]) : null;
}

/** Open alerts by severity, for the inbox's heading. */
export async function countOpenAlerts(db: Queryable): Promise<Record<Severity, number>> {
  const { rows } = await db.query<{ severity: Severity; n: number }>(
    "select severity, count(*)::int as n from alerts where state = 'open' group by severity",
  );
  const counts: Record<Severity, number> = { high: 0, medium: 0, low: 0 };
  for (const r of rows) counts[r.severity] = r.n;
  return counts;
}
