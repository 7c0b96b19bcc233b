import type { Queryable } from './pool.ts';

export type DeliveryStatus = 'pending' | 'digest' | 'sending' | 'delivered' | 'failed' | 'cancelled';

/** One alert going to one subscription: the outbox row and where it stands. */
export interface Delivery {
  id: number;
  alertId: number;
  subscriptionId: number;
  status: DeliveryStatus;
  batch: string | null;
  attempts: number;
  lastError: string | null;
  responseCode: number | null;
  createdAt: string;
  updatedAt: string;
  deliveredAt: string | null;
}

/** A delivery with the names a person needs to read a list of them. */
export interface DeliveryListing extends Delivery {
  subscriptionName: string;
  channel: string;
  alertKind: string;
  targetId: number;
}

interface DeliveryRow {
  id: number;
  alert_id: number;
  subscription_id: number;
  status: DeliveryStatus;
  batch: string | null;
  attempts: number;
  last_error: string | null;
  response_code: number | null;
  created_at: Date;
  updated_at: Date;
  delivered_at: Date | null;
}

function toDelivery(r: DeliveryRow): Delivery {
  return {
    id: r.id,
    alertId: r.alert_id,
    subscriptionId: r.subscription_id,
    status: r.status,
    batch: r.batch,
    attempts: r.attempts,
    lastError: r.last_error,
    responseCode: r.response_code,
    createdAt: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
    deliveredAt: r.delivered_at?.toISOString() ?? null,
  };
}

export async function getDelivery(db: Queryable, id: number): Promise<Delivery | null> {
  const { rows } = await db.query<DeliveryRow>('select * from deliveries where id = $1', [id]);
  return rows[0] ? toDelivery(rows[0]) : null;
}

/** Immediate deliveries of these alerts still to send: what a capture enqueues once its transaction committed. */
export async function listPendingForAlerts(db: Queryable, alertIds: number[]): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select * from deliveries where alert_id = any($1::bigint[]) and status = 'pending' order by id`,
    [alertIds],
  );
  return rows.map(toDelivery);
}

/**
 * Immediate deliveries not finished (pending, or an attempt under way), older than `minAgeMs` so the reconciler
 * leaves just-raised alerts to the capture that raised them. Digest rows wait for their digest.
 */
export async function listUnfinished(db: Queryable, minAgeMs: number, limit = 1_000): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `select * from deliveries
     where status in ('pending', 'sending') and batch is null and created_at < now() - make_interval(secs => $1::double precision / 1000)
     order by id limit $2`,
    [minAgeMs, limit],
  );
  return rows.map(toDelivery);
}

/**
 * Marks a delivery as being sent and counts the attempt; null when there is nothing to send (already delivered,
 * dead-lettered, cancelled, or gone) — how a redelivered job stays a no-op.
 */
export async function claimDelivery(db: Queryable, id: number): Promise<Delivery | null> {
  const { rows } = await db.query<DeliveryRow>(
    `update deliveries set status = 'sending', attempts = attempts + 1, updated_at = now()
     where id = $1 and status in ('pending', 'sending') returning *`,
    [id],
  );
  return rows[0] ? toDelivery(rows[0]) : null;
}

/** The deliveries of a digest message already claimed under `batch` (a retried digest resends exactly these). */
export async function listBatch(db: Queryable, batch: string): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(`select * from deliveries where batch = $1 and status = 'sending' order by id`, [batch]);
  return rows.map(toDelivery);
}

/** Claims a subscription's waiting digest deliveries (at most `limit`, oldest first) into one batch. */
export async function claimDigest(db: Queryable, subscriptionId: number, batch: string, limit: number): Promise<Delivery[]> {
  const { rows } = await db.query<DeliveryRow>(
    `update deliveries set status = 'sending', batch = $2, updated_at = now()
     where id in (select id from deliveries where subscription_id = $1 and status = 'digest' order by id limit $3 for update skip locked)
     returning *`,
    [subscriptionId, batch, limit],
  );
  return rows.map(toDelivery).sort((a, b) => a.id - b.id);
}

/** Counts an attempt on digest deliveries (claimDelivery counts immediate ones). */
export async function countAttempt(db: Queryable, ids: number[]): Promise<void> {
  await db.query('update deliveries set attempts = attempts + 1, updated_at = now() where id = any($1::bigint[])', [ids]);
}

export async function markDelivered(db: Queryable, ids: number[], responseCode: number | null): Promise<void> {
  await db.query(
    `update deliveries set status = 'delivered', response_code = $2, last_error = null, delivered_at = now(), updated_at = now()
     where id = any($1::bigint[]) and status = 'sending'`,
    [ids, responseCode],
  );
}

/** Records a failed attempt; `final` moves the deliveries to the dead letter (`failed`). */
export async function markFailed(db: Queryable, ids: number[], error: string, responseCode: number | null, final: boolean): Promise<void> {
  await db.query(
    `update deliveries set last_error = $2, response_code = $3, updated_at = now(),
       status = case when $4 then 'failed' else status end
     where id = any($1::bigint[]) and status in ('pending', 'sending')`,
    [ids, error, responseCode, final],
  );
}

export async function markCancelled(db: Queryable, ids: number[], reason: string): Promise<void> {
  await db.query(
    `update deliveries set status = 'cancelled', last_error = $2, updated_at = now() where id = any($1::bigint[]) and status in ('pending', 'digest', 'sending')`,
    [ids, reason],
  );
}

/** Cancels every unfinished delivery of these subscriptions (pending, waiting for a digest, or between attempts); returns how many. */
export async function cancelDeliveriesOf(db: Queryable, subscriptionIds: number[], reason: string): Promise<number> {
  const { rowCount } = await db.query(
    `update deliveries set status = 'cancelled', last_error = $2, updated_at = now() where subscription_id = any($1::bigint[]) and status in ('pending', 'digest', 'sending')`,
    [subscriptionIds, reason],
  );
  return rowCount ?? 0;
}

export async function listDeliveries(db: Queryable, filter: { failed?: boolean; limit?: number } = {}): Promise<DeliveryListing[]> {
  const { rows } = await db.query<DeliveryRow & { subscription_name: string; channel: string; alert_kind: string; target_id: number }>(
    `select d.*, s.name as subscription_name, s.channel, a.kind as alert_kind, a.target_id
     from deliveries d join subscriptions s on s.id = d.subscription_id join alerts a on a.id = d.alert_id
     where ($1::boolean is not true or d.status = 'failed')
     order by d.id desc limit $2`,
    [filter.failed ?? false, filter.limit ?? 500],
  );
  return rows.map((r) => ({ ...toDelivery(r), subscriptionName: r.subscription_name, channel: r.channel, alertKind: r.alert_kind, targetId: r.target_id }));
}

/** One attempt at sending, as recorded. */
export interface DeliveryAttempt {
  id: number;
  deliveryId: number;
  startedAt: string;
  finishedAt: string | null;
  ok: boolean | null;
  responseCode: number | null;
  error: string | null;
  durationMs: number | null;
}

/** Records that an attempt starts, before anything is sent, so one cut short by a crash still shows. */
export async function startAttempts(db: Queryable, deliveryIds: number[]): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    'insert into delivery_attempts (delivery_id) select unnest($1::bigint[]) returning id',
    [deliveryIds],
  );
  return rows.map((r) => r.id);
}

export async function finishAttempts(
  db: Queryable,
  attemptIds: number[],
  outcome: { ok: boolean; responseCode: number | null; error: string | null; durationMs: number },
): Promise<void> {
  await db.query(
    `update delivery_attempts set finished_at = now(), ok = $2, response_code = $3, error = $4, duration_ms = $5 where id = any($1::bigint[])`,
    [attemptIds, outcome.ok, outcome.responseCode, outcome.error, Math.round(outcome.durationMs)],
  );
}

export async function listAttempts(db: Queryable, deliveryId: number): Promise<DeliveryAttempt[]> {
  const { rows } = await db.query<{
    id: number; delivery_id: number; started_at: Date; finished_at: Date | null; ok: boolean | null;
    response_code: number | null; error: string | null; duration_ms: number | null;
  }>('select * from delivery_attempts where delivery_id = $1 order by id', [deliveryId]);
  return rows.map((r) => ({
    id: r.id,
    deliveryId: r.delivery_id,
    startedAt: r.started_at.toISOString(),
    finishedAt: r.finished_at?.toISOString() ?? null,
    ok: r.ok,
    responseCode: r.response_code,
    error: r.error,
    durationMs: r.duration_ms,
  }));
}
