import type { Queryable } from '../db/pool.ts';
import { insertAlert, type Alert } from '../db/alerts.ts';
import type { AlertDraft } from '../detect/findings.ts';

/**
 * Stores an alert inside the caller's transaction — the one way alerts are raised, whatever raised them (a page
 * capture, a tweet probe), so everything that must happen with a new alert happens here, atomically with it.
 */
export async function raiseAlert(
  db: Queryable,
  draft: AlertDraft & { targetId: number; snapshotId: number; changeId: number | null },
): Promise<Alert> {
  return insertAlert(db, draft);
}
