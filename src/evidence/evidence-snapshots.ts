import type { Queryable } from '../db/pool.ts';
import { getAlert, type Alert } from '../db/alerts.ts';
import { getChangeForSnapshot } from '../db/changes.ts';
import { getSnapshot, type Snapshot } from '../db/snapshots.ts';
import { NotFoundError } from '../errors/index.ts';

/**
 * What a snapshot proves in a package: the last one that still had the thing, the first without it, the one that
 * confirmed it; for a restoration the last without and the one that showed it back; `raised` for an alert that
 * names no such steps (the snapshot that raised it); `exported` for a snapshot packed on its own.
 */
export type SnapshotRole = 'last_with' | 'first_without' | 'confirming' | 'last_without' | 'restored' | 'raised' | 'exported';

/** A snapshot to pack and every role it plays (one snapshot may be both the first without and the confirming one). */
export interface PackedSnapshot {
  snapshot: Snapshot;
  roles: SnapshotRole[];
}

/** What a package is about: an alert and its snapshots, or one snapshot. */
export interface PackagePlan {
  alert: Alert | null;
  snapshots: PackedSnapshot[];
}

/** The snapshot id an alert's evidence names under `key`, or null when it names none (or something else there). */
export const evidenceSnapshotId = (evidence: Record<string, unknown>, key: string): number | null => {
  const v = evidence[key];
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : null;
};

/**
 * The snapshots an alert's proof lies in, oldest role first, each once with all its roles. Pure. `previousId` is the
 * snapshot the raising capture was compared with, the baseline when the evidence names none.
 */
export function snapshotRoles(alert: Pick<Alert, 'snapshotId' | 'evidence'>, previousId: number | null): Array<{ snapshotId: number; roles: SnapshotRole[] }> {
  const ev = alert.evidence;
  const steps: Array<[SnapshotRole, number | null]> = evidenceSnapshotId(ev, 'restoredSnapshotId') !== null
    ? [['last_without', evidenceSnapshotId(ev, 'lastWithoutSnapshotId')], ['restored', evidenceSnapshotId(ev, 'restoredSnapshotId')]]
    : [
        ['last_with', evidenceSnapshotId(ev, 'lastWithSnapshotId') ?? previousId],
        ['first_without', evidenceSnapshotId(ev, 'firstWithoutSnapshotId')],
        ['confirming', evidenceSnapshotId(ev, 'confirmedBySnapshotId') ?? (evidenceSnapshotId(ev, 'firstWithoutSnapshotId') === null ? null : alert.snapshotId)],
      ];
  if (!steps.some(([, id]) => id === alert.snapshotId)) steps.push(['raised', alert.snapshotId]);
  const out: Array<{ snapshotId: number; roles: SnapshotRole[] }> = [];
  for (const [role, id] of steps) {
    if (id === null) continue;
    const seen = out.find((s) => s.snapshotId === id);
    if (seen) seen.roles.push(role);
    else out.push({ snapshotId: id, roles: [role] });
  }
  return out;
}

/** The plan for an alert's evidence package; a snapshot the alert names but that was deleted is left out. */
export async function planAlertPackage(db: Queryable, alertId: number): Promise<PackagePlan> {
  const alert = await getAlert(db, alertId);
  if (!alert) throw new NotFoundError('alert', alertId, 'scrubwatch alerts');
  const change = await getChangeForSnapshot(db, alert.snapshotId);
  const snapshots: PackedSnapshot[] = [];
  for (const { snapshotId, roles } of snapshotRoles(alert, change?.previousSnapshotId ?? null)) {
    const snapshot = await getSnapshot(db, snapshotId);
    if (snapshot) snapshots.push({ snapshot, roles });
  }
  return { alert, snapshots };
}

/** The plan for one snapshot's package. */
export async function planSnapshotPackage(db: Queryable, snapshotId: number): Promise<PackagePlan> {
  const snapshot = await getSnapshot(db, snapshotId);
  if (!snapshot) throw new NotFoundError('snapshot', snapshotId, 'scrubwatch snapshots <target-id>');
  return { alert: null, snapshots: [{ snapshot, roles: ['exported'] }] };
}
