import type { Queryable } from './pool.ts';

/** What a target's last full browser capture taught the cheap tier (sql/014_check_tiers.sql). */
export interface TierState {
  targetId: number;
  scriptDependent: boolean;
  /** plainPrint of the plain-HTTP extraction of that capture's response (hex); null when it had no HTML to read. */
  plainPrint: string | null;
  etag: string | null;
  lastModified: string | null;
  trustsValidators: boolean;
  fullSnapshotId: number | null;
  fullAt: Date;
}

interface TierRow {
  target_id: number;
  script_dependent: boolean;
  plain_print: string | null;
  etag: string | null;
  last_modified: string | null;
  trusts_validators: boolean;
  full_snapshot_id: number | null;
  full_at: Date;
}

const COLUMNS = `target_id, script_dependent, encode(plain_print, 'hex') as plain_print, etag, last_modified, trusts_validators, full_snapshot_id, full_at`;

function toState(r: TierRow): TierState {
  return {
    targetId: Number(r.target_id),
    scriptDependent: r.script_dependent,
    plainPrint: r.plain_print,
    etag: r.etag,
    lastModified: r.last_modified,
    trustsValidators: r.trusts_validators,
    fullSnapshotId: r.full_snapshot_id === null ? null : Number(r.full_snapshot_id),
    fullAt: r.full_at,
  };
}

/** The target's learned state; null before its first full capture (or after an import, which leaves it out). */
export async function getTierState(db: Queryable, targetId: number): Promise<TierState | null> {
  const { rows } = await db.query<TierRow>(`select ${COLUMNS} from target_tiers where target_id = $1`, [targetId]);
  return rows[0] ? toState(rows[0]) : null;
}

/** Several targets' learned states, by target id (for listings). */
export async function getTierStates(db: Queryable, targetIds: number[]): Promise<Map<number, TierState>> {
  if (targetIds.length === 0) return new Map();
  const { rows } = await db.query<TierRow>(`select ${COLUMNS} from target_tiers where target_id = any($1::bigint[])`, [targetIds]);
  return new Map(rows.map((r) => [Number(r.target_id), toState(r)]));
}

/** Records what a full capture taught (replacing what the one before taught). */
export async function putTierState(db: Queryable, s: TierState): Promise<void> {
  await db.query(
    `insert into target_tiers (target_id, script_dependent, plain_print, etag, last_modified, trusts_validators, full_snapshot_id, full_at)
     values ($1, $2, decode($3, 'hex'), $4, $5, $6, $7, $8)
     on conflict (target_id) do update set
       script_dependent = excluded.script_dependent, plain_print = excluded.plain_print, etag = excluded.etag,
       last_modified = excluded.last_modified, trusts_validators = excluded.trusts_validators,
       full_snapshot_id = excluded.full_snapshot_id, full_at = excluded.full_at`,
    [s.targetId, s.scriptDependent, s.plainPrint, s.etag, s.lastModified, s.trustsValidators, s.fullSnapshotId, s.fullAt],
  );
}

/** The site kept a validator while the page changed: its 304s are not believed for this target again. */
export async function distrustValidators(db: Queryable, targetId: number): Promise<void> {
  await db.query('update target_tiers set trusts_validators = false where target_id = $1', [targetId]);
}
