import { UnrecoverableError } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import type { Alert } from '../db/alerts.ts';
import { getAlertsByIds } from '../db/alerts.ts';
import { getBlob } from '../db/blobs.ts';
import { getSnapshot } from '../db/snapshots.ts';
import { getTarget, type Target } from '../db/targets.ts';
import { getSubscription, type Subscription } from '../db/subscriptions.ts';
import {
  claimDelivery,
  claimDigest,
  countAttempt,
  finishAttempts,
  getDelivery,
  listBatch,
  markCancelled,
  markDelivered,
  markFailed,
  startAttempts,
  type Delivery,
} from '../db/deliveries.ts';
import { DeliveryError, describeError } from '../errors/index.ts';
import { ensureWayback } from './enrich-alert.ts';
import { buildAlertPayload, type AlertPayload } from './payload.ts';
import { sendToSubscription, type Outgoing } from './send.ts';

export interface DeliverDeps {
  config: Config;
  pool: Pool;
  logger: Logger;
}

/** Alerts gathered into one digest message at most; more wait for the next one. */
export const DIGEST_MAX_ALERTS = 200;

async function payloadsFor(deps: DeliverDeps, deliveries: Delivery[]): Promise<{ payloads: AlertPayload[]; alerts: Alert[] }> {
  const alerts = await getAlertsByIds(deps.pool, deliveries.map((d) => d.alertId));
  const byId = new Map(alerts.map((a) => [a.id, a]));
  const targets = new Map<number, Target | null>();
  const payloads: AlertPayload[] = [];
  for (const d of deliveries) {
    const alert = byId.get(d.alertId);
    if (!alert) continue;
    if (!targets.has(alert.targetId)) targets.set(alert.targetId, await getTarget(deps.pool, alert.targetId));
    const target = targets.get(alert.targetId);
    if (!target) continue;
    const wayback = await ensureWayback(deps, alert, target);
    payloads.push(buildAlertPayload(deps.config.publicUrl, d.id, alert, target, wayback));
  }
  return { payloads, alerts };
}

/** The last screenshot that still showed what was removed (else the alert's own), or null. */
async function screenshotFor(deps: DeliverDeps, alert: Alert): Promise<Buffer | null> {
  const id = typeof alert.evidence.lastWithSnapshotId === 'number' ? alert.evidence.lastWithSnapshotId : alert.snapshotId;
  const snapshot = (await getSnapshot(deps.pool, id)) ?? (await getSnapshot(deps.pool, alert.snapshotId));
  const sha = snapshot?.parts.screenshot;
  return sha ? ((await getBlob(deps.pool, sha))?.data ?? null) : null;
}

/**
 * Sends `out` for `deliveries`, recording the attempt (started before sending, so a crash mid-send still shows)
 * and the outcome. On failure the deliveries stay `sending` for the next retry, or move to `failed` (the dead
 * letter) when `final`; the error is rethrown so BullMQ schedules the retry.
 */
async function attempt(deps: DeliverDeps, sub: Subscription, deliveries: Delivery[], out: Outgoing, final: boolean): Promise<void> {
  const ids = deliveries.map((d) => d.id);
  const attemptIds = await startAttempts(deps.pool, ids);
  const started = performance.now();
  try {
    const code = await sendToSubscription(deps.config, sub, out);
    await finishAttempts(deps.pool, attemptIds, { ok: true, responseCode: code, error: null, durationMs: performance.now() - started });
    await markDelivered(deps.pool, ids, code);
  } catch (err) {
    const code = err instanceof DeliveryError ? err.responseCode : null;
    const message = describeError(err);
    await finishAttempts(deps.pool, attemptIds, { ok: false, responseCode: code, error: message, durationMs: performance.now() - started });
    await markFailed(deps.pool, ids, message, code, final || err instanceof UnrecoverableError);
    throw err;
  }
}

/**
 * Sends one immediate delivery. A delivery already delivered, dead-lettered or cancelled is left alone, so a
 * redelivered job sends nothing; one whose subscription was deactivated is cancelled.
 */
export async function deliverOne(deps: DeliverDeps, deliveryId: number, final: boolean): Promise<'delivered' | 'skipped'> {
  const delivery = await getDelivery(deps.pool, deliveryId);
  if (!delivery || !['pending', 'sending'].includes(delivery.status)) return 'skipped';
  const sub = await getSubscription(deps.pool, delivery.subscriptionId);
  if (!sub?.active) {
    await markCancelled(deps.pool, [deliveryId], 'the subscription is not active');
    return 'skipped';
  }
  const { payloads, alerts } = await payloadsFor(deps, [delivery]);
  if (payloads.length === 0 || !alerts[0]) return 'skipped';
  const claimed = await claimDelivery(deps.pool, deliveryId);
  if (!claimed) return 'skipped';
  const screenshot = sub.channel === 'email' ? await screenshotFor(deps, alerts[0]) : null;
  await attempt(deps, sub, [claimed], { payloads, digest: false, idempotencyKey: String(deliveryId), screenshot }, final);
  return 'delivered';
}

/**
 * Sends a subscription's digest: the alerts waiting since the last one, in one message. The batch is named by the
 * job (`batch`), so a retry resends exactly the same alerts under the same Idempotency-Key.
 */
export async function deliverDigest(deps: DeliverDeps, subscriptionId: number, batch: string, final: boolean): Promise<number[]> {
  const sub = await getSubscription(deps.pool, subscriptionId);
  if (!sub?.active || sub.channel === 'feed') return [];
  let deliveries = await listBatch(deps.pool, batch);
  if (deliveries.length === 0) deliveries = await claimDigest(deps.pool, subscriptionId, batch, DIGEST_MAX_ALERTS);
  if (deliveries.length === 0) return [];
  await countAttempt(deps.pool, deliveries.map((d) => d.id));
  const { payloads } = await payloadsFor(deps, deliveries);
  await attempt(deps, sub, deliveries, { payloads, digest: true, idempotencyKey: batch, screenshot: null }, final);
  return deliveries.map((d) => d.id);
}
