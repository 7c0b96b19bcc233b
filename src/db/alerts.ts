import type { Queryable } from './pool.ts';
import type { AlertDraft, AlertKind, Severity } from '../detect/findings.ts';

export type AlertState = 'open' | 'confirmed' | 'dismissed';

/** Who or what an alert is narrowed to; every field optional. `severity` is exact (the API's listing takes it as the least); validated in src/review/alert-filter.ts. */
export interface AlertFilter {
  state?: AlertState | undefined;
  severity?: Severity | undefined;
  kind?: AlertKind | undefined;
  tag?: string | undefined;
  targetId?: number | undefined;
  sourceId?: number | undefined;
}

/** A removal raised to people, with the evidence for it. */
export interface Alert {
  id: number;
  targetId: number;
  kind: string;
  severity: Severity;
  state: AlertState;
  snapshotId: number;
  changeId: number | null;
  createdAt: string;
  summary: string;
  evidence: Record<string, unknown>;
  /** Who confirmed or dismissed it, why, and when; null while nobody has. */
  triage: AlertTriage | null;
}

/** A person's verdict on an alert. A dismissed alert stays in the history and teaches the detector nothing. */
export interface AlertTriage {
  by: string;
  note: string | null;
  at: string;
}

interface AlertRow {
  id: number;
  target_id: number;
  snapshot_id: number;
  change_id: number | null;
  kind: string;
  severity: Severity;
  state: AlertState;
  summary: string;
  evidence: Record<string, unknown>;
  created_at: Date;
  triaged_by: string | null;
  triage_note: string | null;
  triaged_at: Date | null;
}

function toAlert(r: AlertRow): Alert {
  return {
    id: r.id,
    targetId: r.target_id,
    kind: r.kind,
    severity: r.severity,
    state: r.state,
    snapshotId: r.snapshot_id,
    changeId: r.change_id,
    createdAt: r.created_at.toISOString(),
    summary: r.summary,
    evidence: r.evidence,
    triage: r.triaged_at ? { by: r.triaged_by ?? '', note: r.triage_note, at: r.triaged_at.toISOString() } : null,
  };
}

/** Stores an alert; raising the same kind twice for one snapshot returns the first. */
export async function insertAlert(
  db: Queryable,
  a: AlertDraft & { targetId: number; snapshotId: number; changeId: number | null },
): Promise<Alert> {
  const { rows } = await db.query<AlertRow>(
    `insert into alerts (target_id, snapshot_id, change_id, kind, severity, summary, evidence)
     values ($1, $2, $3, $4, $5, $6, $7)
     on conflict (snapshot_id, kind) do update set kind = excluded.kind
     returning *`,
    [a.targetId, a.snapshotId, a.changeId, a.kind, a.severity, a.summary, JSON.stringify(a.evidence)],
  );
  return toAlert(rows[0]!);
}

/** Alerts newest first, narrowed by a filter (`severity` exact) or to those one snapshot raised. */
export async function listAlerts(
  db: Queryable,
  filter: AlertFilter & { snapshotId?: number | undefined; limit?: number } = {},
): Promise<Alert[]> {
  const { rows } = await db.query<AlertRow>(
    `select * from alerts
     where ($1::bigint is null or target_id = $1)
       and ($2::text is null or kind = $2)
       and ($3::bigint is null or snapshot_id = $3)
       and ($5::text is null or target_id in (select id from targets where $5 = any(tags)))
       and ($6::text is null or state = $6)
       and ($7::text is null or severity = $7)
       and ($8::bigint is null or target_id in (select target_id from source_pages where source_id = $8))
     order by id desc limit $4`,
    [filter.targetId ?? null, filter.kind ?? null, filter.snapshotId ?? null, filter.limit ?? 500, filter.tag ?? null, filter.state ?? null, filter.severity ?? null, filter.sourceId ?? null],
  );
  return rows.map(toAlert);
}

/** The alerts with these ids, in the order of `ids`; missing ones are left out. */
export async function getAlertsByIds(db: Queryable, ids: number[]): Promise<Alert[]> {
  const { rows } = await db.query<AlertRow>('select * from alerts where id = any($1::bigint[])', [ids]);
  const byId = new Map(rows.map((r) => [r.id, toAlert(r)]));
  return ids.flatMap((id) => byId.get(id) ?? []);
}

/** Adds keys to an alert's evidence (the Wayback link), keeping the rest; returns the updated alert. */
export async function mergeAlertEvidence(db: Queryable, id: number, patch: Record<string, unknown>): Promise<Alert | null> {
  const { rows } = await db.query<AlertRow>('update alerts set evidence = evidence || $2::jsonb where id = $1 returning *', [id, JSON.stringify(patch)]);
  return rows[0] ? toAlert(rows[0]) : null;
}

export async function getAlert(db: Queryable, id: number): Promise<Alert | null> {
  const { rows } = await db.query<AlertRow>('select * from alerts where id = $1', [id]);
  return rows[0] ? toAlert(rows[0]) : null;
}

/** A filter and one page of alerts, newest first: `before` is the last id of the previous page. */
export interface AlertPageQuery {
  kind?: string | undefined;
  /** The least severity shown: `medium` shows medium and high. */
  minSeverity?: Severity | undefined;
  state?: AlertState | undefined;
  targetId?: number | undefined;
  tag?: string | undefined;
  /** Only alerts of targets this source listed. */
  sourceId?: number | undefined;
  since?: Date | undefined;
  until?: Date | undefined;
  before?: number | undefined;
  limit: number;
}

/** One page of alerts matching the filter, newest first. */
export async function listAlertsPage(db: Queryable, q: AlertPageQuery): Promise<Alert[]> {
  const { rows } = await db.query<AlertRow>(
    `select * from alerts
     where ($1::text is null or kind = $1)
       and ($2::text is null or array_position(array['low', 'medium', 'high'], severity) >= array_position(array['low', 'medium', 'high'], $2))
       and ($3::text is null or state = $3)
       and ($4::bigint is null or target_id = $4)
       and ($5::text is null or target_id in (select id from targets where $5 = any(tags)))
       and ($6::timestamptz is null or created_at >= $6)
       and ($7::timestamptz is null or created_at < $7)
       and ($8::bigint is null or id < $8)
       and ($10::bigint is null or target_id in (select target_id from source_pages where source_id = $10))
     order by id desc limit $9`,
    [q.kind ?? null, q.minSeverity ?? null, q.state ?? null, q.targetId ?? null, q.tag ?? null, q.since ?? null, q.until ?? null, q.before ?? null, q.limit, q.sourceId ?? null],
  );
  return rows.map(toAlert);
}

/** Records a person's triage of an alert (its state, who, why, when); null when there is no such alert. */
export async function setAlertTriage(db: Queryable, id: number, t: { state: AlertState; by: string; note: string | null }): Promise<Alert | null> {
  const { rows } = await db.query<AlertRow>(
    'update alerts set state = $2, triaged_by = $3, triage_note = $4, triaged_at = now() where id = $1 returning *',
    [id, t.state, t.by, t.note],
  );
  return rows[0] ? toAlert(rows[0]) : null;
}
