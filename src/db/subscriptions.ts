import type { Queryable } from './pool.ts';
import type { Severity } from '../detect/findings.ts';

export type Channel = 'webhook' | 'email' | 'feed';
export type WebhookFormat = 'json' | 'slack';

/** Who wants which alerts, through which channel, at once or in a digest. */
export interface Subscription {
  id: number;
  name: string;
  channel: Channel;
  webhookUrl: string | null;
  webhookFormat: WebhookFormat;
  email: string | null;
  /** The webhook signing key, or the feed URL's token; shown once at creation, never listed. */
  secret: string;
  targetIds: number[];
  tags: string[];
  kinds: string[];
  minSeverity: Severity;
  /** A duration like `6h`, or null for immediate delivery. */
  digestEvery: string | null;
  active: boolean;
  /** The API token that made it (a researcher's subscriptions are their own); null when made from the CLI. */
  ownerTokenId: number | null;
  createdAt: string;
}

export type NewSubscription = Omit<Subscription, 'id' | 'createdAt' | 'active'>;

interface SubscriptionRow {
  id: number;
  name: string;
  channel: Channel;
  webhook_url: string | null;
  webhook_format: WebhookFormat;
  email: string | null;
  secret: string;
  target_ids: number[];
  tags: string[];
  kinds: string[];
  min_severity: Severity;
  digest_every: string | null;
  active: boolean;
  owner_token_id: number | null;
  created_at: Date;
}

function toSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    name: r.name,
    channel: r.channel,
    webhookUrl: r.webhook_url,
    webhookFormat: r.webhook_format,
    email: r.email,
    secret: r.secret,
    targetIds: r.target_ids.map(Number),
    tags: r.tags,
    kinds: r.kinds,
    minSeverity: r.min_severity,
    digestEvery: r.digest_every,
    active: r.active,
    ownerTokenId: r.owner_token_id,
    createdAt: r.created_at.toISOString(),
  };
}

export async function insertSubscription(db: Queryable, s: NewSubscription): Promise<Subscription> {
  const { rows } = await db.query<SubscriptionRow>(
    `insert into subscriptions (name, channel, webhook_url, webhook_format, email, secret, target_ids, tags, kinds, min_severity, digest_every, owner_token_id)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
     returning *`,
    [s.name, s.channel, s.webhookUrl, s.webhookFormat, s.email, s.secret, s.targetIds, s.tags, s.kinds, s.minSeverity, s.digestEvery, s.ownerTokenId],
  );
  return toSubscription(rows[0]!);
}

export async function getSubscription(db: Queryable, id: number): Promise<Subscription | null> {
  const { rows } = await db.query<SubscriptionRow>('select * from subscriptions where id = $1', [id]);
  return rows[0] ? toSubscription(rows[0]) : null;
}

export async function getSubscriptionByToken(db: Queryable, token: string): Promise<Subscription | null> {
  // Digests compared, not the secret: how long the comparison takes says nothing about the secret's bytes.
  const { rows } = await db.query<SubscriptionRow>(
    `select * from subscriptions where channel = 'feed' and sha256(convert_to(secret, 'UTF8')) = sha256(convert_to($1, 'UTF8'))`,
    [token],
  );
  return rows[0] ? toSubscription(rows[0]) : null;
}

/** Every subscription, or only those made by the token `ownerTokenId`. */
export async function listSubscriptions(db: Queryable, ownerTokenId: number | null = null): Promise<Subscription[]> {
  const { rows } = await db.query<SubscriptionRow>('select * from subscriptions where ($1::bigint is null or owner_token_id = $1) order by id', [ownerTokenId]);
  return rows.map(toSubscription);
}

/**
 * Deletes a subscription with its deliveries; returns it, or null when there was none (or, with `ownerTokenId`,
 * none made by that token).
 */
export async function deleteSubscription(db: Queryable, id: number, ownerTokenId: number | null = null): Promise<Subscription | null> {
  const { rows } = await db.query<SubscriptionRow>(
    'delete from subscriptions where id = $1 and ($2::bigint is null or owner_token_id = $2) returning *',
    [id, ownerTokenId],
  );
  return rows[0] ? toSubscription(rows[0]) : null;
}

/**
 * Deactivates the live subscriptions the token `ownerTokenId` made (its revocation ends them) and returns them. An
 * inactive subscription gets no new deliveries and its feed is gone; it stays listed, as inactive.
 */
export async function deactivateSubscriptionsOf(db: Queryable, ownerTokenId: number): Promise<Subscription[]> {
  const { rows } = await db.query<SubscriptionRow>('update subscriptions set active = false where owner_token_id = $1 and active returning *', [ownerTokenId]);
  return rows.map(toSubscription).sort((a, b) => a.id - b.id);
}

/**
 * Whether alert `a` (of target `t`) matches subscription `s`: the one definition of a subscription's filters,
 * shared by the outbox (deliveries) and the feed so both always agree. A constant; never holds values.
 */
const MATCHES = `(cardinality(s.target_ids) = 0 or a.target_id = any(s.target_ids))
  and (cardinality(s.tags) = 0 or s.tags && t.tags)
  and (cardinality(s.kinds) = 0 or a.kind = any(s.kinds))
  and array_position(array['low', 'medium', 'high'], a.severity) >= array_position(array['low', 'medium', 'high'], s.min_severity)`;

/** A delivery just written to the outbox. */
export interface OutboxRow {
  id: number;
  alertId: number;
  subscriptionId: number;
  status: 'pending' | 'digest';
}

/**
 * Writes one delivery per active push subscription (webhook, email) matching the alert: `pending` for immediate
 * ones, `digest` for digest ones. Idempotent: an alert already queued for a subscription is left alone.
 */
export async function insertDeliveriesForAlert(db: Queryable, alertId: number): Promise<OutboxRow[]> {
  const { rows } = await db.query<{ id: number; alert_id: number; subscription_id: number; status: 'pending' | 'digest' }>(
    `insert into deliveries (alert_id, subscription_id, status)
     select a.id, s.id, case when s.digest_every is null then 'pending' else 'digest' end
     from alerts a join targets t on t.id = a.target_id cross join subscriptions s
     where a.id = $1 and s.active and s.channel <> 'feed' and ${MATCHES}
     order by s.id
     on conflict (alert_id, subscription_id) do nothing
     returning id, alert_id, subscription_id, status`,
    [alertId],
  );
  return rows.map((r) => ({ id: r.id, alertId: r.alert_id, subscriptionId: r.subscription_id, status: r.status }));
}

/** Ids of the newest alerts matching a subscription's filters, newest first (what its feed shows). */
export async function listMatchingAlertIds(db: Queryable, subscriptionId: number, limit: number): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    `select a.id from alerts a join targets t on t.id = a.target_id join subscriptions s on s.id = $1
     where ${MATCHES}
     order by a.id desc limit $2`,
    [subscriptionId, limit],
  );
  return rows.map((r) => r.id);
}
