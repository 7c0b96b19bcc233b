import type { Queryable } from '../db/pool.ts';
import { insertAlert, type Alert } from '../db/alerts.ts';
import { insertDeliveriesForAlert } from '../db/subscriptions.ts';
import type { AlertDraft } from '../detect/findings.ts';

/**
 * Stores an alert inside the caller's transaction — the one way alerts are raised, whatever raised them (a page
 * capture, a tweet probe), so everything that must happen with a new alert happens here, atomically with it:
 * one delivery per matching subscription is written to the outbox, so an alert is never stored without them.
 * Once the transaction commits, the caller hands the alerts to `enqueueDeliveries` (src/notify/outbox.ts).
 */
export async function raiseAlert(
  db: Queryable,
  draft: AlertDraft & { targetId: number; snapshotId: number; changeId: number | null },
): Promise<Alert> {
  const alert = await insertAlert(db, draft);
  await insertDeliveriesForAlert(db, alert.id);
  return alert;
}
