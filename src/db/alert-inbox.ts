import type { Queryable } from './pool.ts';
import type { AlertState } from './alerts.ts';
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

export interface InboxFilter {
  state?: AlertState | undefined;
  severity?: Severity | undefined;
  kind?: string | undefined;
  targetId?: number | undefined;
  tag?: string | undefined;
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

/** Alerts newest first, narrowed by any of the filters. */
export async function listInboxAlerts(db: Queryable, filter: InboxFilter = {}): Promise<InboxAlert[]> {
  const { rows } = await db.query<InboxRow>(
    `${SELECT}
     where ($1::text is null or a.state = $1)
       and ($2::text is null or a.severity = $2)
       and ($3::text is null or a.kind = $3)
       and ($4::bigint is null or a.target_id = $4)
       and ($5::text is null or $5 = any(t.tags))
     order by a.id desc limit $6`,
    [filter.state ?? null, filter.severity ?? null, filter.kind ?? null, filter.targetId ?? null, filter.tag ?? null, filter.limit ?? 200],
  );
  return rows.map(toInboxAlert);
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
