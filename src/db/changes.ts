import type { Queryable } from './pool.ts';
import { unchangedRecord, type ChangeRecord } from '../detect/diff-snapshots.ts';

/** A stored change: how one snapshot differs from the one it was compared with. */
export interface Change {
  id: number;
  targetId: number;
  snapshotId: number;
  previousSnapshotId: number;
  unchanged: boolean;
  record: ChangeRecord;
  createdAt: string;
}

interface ChangeRow {
  id: number;
  target_id: number;
  snapshot_id: number;
  previous_snapshot_id: number;
  unchanged: boolean;
  record: ChangeRecord;
  created_at: Date;
}

function toChange(r: ChangeRow): Change {
  return {
    id: r.id,
    targetId: r.target_id,
    snapshotId: r.snapshot_id,
    previousSnapshotId: r.previous_snapshot_id,
    unchanged: r.unchanged,
    // Most checks change nothing: their record is stored as `{}` (see insertChange) and rebuilt here.
    record: r.unchanged && Object.keys(r.record).length === 0 ? unchangedRecord() : r.record,
    createdAt: r.created_at.toISOString(),
  };
}

export async function insertChange(
  db: Queryable,
  c: { targetId: number; snapshotId: number; previousSnapshotId: number; record: ChangeRecord },
): Promise<Change> {
  const { rows } = await db.query<ChangeRow>(
    `with inserted as (
       insert into changes (target_id, snapshot_id, previous_snapshot_id, unchanged, record)
       values ($1, $2, $3, $4, $5) returning *
     ), tallied as (
       -- An escalated full capture that found the page unchanged is a false escalation (sql/016_check_tallies.sql).
       update check_tallies t set unchanged = t.unchanged + 1
         from inserted c join snapshots s on s.id = c.snapshot_id
        where c.unchanged and s.origin = 'capture' and s.tier = 'full' and s.escalation is not null
          and t.tier = s.tier and t.escalation = s.escalation and t.shard = s.id % 8
     )
     select * from inserted`,
    [c.targetId, c.snapshotId, c.previousSnapshotId, c.record.unchanged, c.record.unchanged ? '{}' : JSON.stringify(c.record)],
  );
  return toChange(rows[0]!);
}

export async function getChangeForSnapshot(db: Queryable, snapshotId: number): Promise<Change | null> {
  const { rows } = await db.query<ChangeRow>('select * from changes where snapshot_id = $1', [snapshotId]);
  return rows[0] ? toChange(rows[0]) : null;
}
