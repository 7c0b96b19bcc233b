import type { Queryable } from './pool.ts';
import type { Outcome } from '../detect/outcome.ts';
import { type Blind, type Lifecycle, type PendingFinding, type WatchState } from '../detect/lifecycle.ts';

interface StateRow {
  lifecycle: Lifecycle;
  baseline_snapshot_id: number | null;
  pending: Record<string, PendingFinding>;
  raised: string[];
  failing_since: Date | null;
  failing_outcomes: Outcome[];
  blind: Blind | null;
  rechecks: number;
}

/** A target's watch state; a target never captured (or from before states existed) starts live. */
export async function getWatchState(db: Queryable, targetId: number): Promise<WatchState | null> {
  const { rows } = await db.query<StateRow>('select * from target_states where target_id = $1', [targetId]);
  const r = rows[0];
  if (!r) return null;
  return {
    lifecycle: r.lifecycle,
    baselineSnapshotId: r.baseline_snapshot_id,
    pending: r.pending,
    raised: r.raised,
    failingSince: r.failing_since,
    failingOutcomes: r.failing_outcomes,
    blind: r.blind,
    rechecks: r.rechecks,
  };
}


export async function putWatchState(db: Queryable, targetId: number, s: WatchState): Promise<void> {
  await db.query(
    `insert into target_states (target_id, lifecycle, baseline_snapshot_id, pending, raised, failing_since, failing_outcomes, blind, rechecks, updated_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, now())
     on conflict (target_id) do update set
       lifecycle = excluded.lifecycle, baseline_snapshot_id = excluded.baseline_snapshot_id, pending = excluded.pending,
       raised = excluded.raised, failing_since = excluded.failing_since, failing_outcomes = excluded.failing_outcomes,
       blind = excluded.blind, rechecks = excluded.rechecks, updated_at = now()`,
    [targetId, s.lifecycle, s.baselineSnapshotId, JSON.stringify(s.pending), s.raised, s.failingSince, s.failingOutcomes, s.blind, s.rechecks],
  );
}

/** An active target awaiting confirmation of a suspected removal, and the snapshot that raised the suspicion. */
export interface SuspectTarget {
  targetId: number;
  kind: 'page' | 'tweet';
  lastSnapshotId: number;
}

export async function listSuspectTargets(db: Queryable): Promise<SuspectTarget[]> {
  const { rows } = await db.query<SuspectTarget>(
    `select t.id as "targetId", t.kind, s.id as "lastSnapshotId"
       from target_states ts
       join targets t on t.id = ts.target_id and not t.paused
       join lateral (select id from snapshots where target_id = t.id order by id desc limit 1) s on true
      where ts.lifecycle = 'suspect'
      order by t.id`,
  );
  return rows;
}
