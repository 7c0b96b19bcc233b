import { withTransaction, type Pool } from '../../db/pool.ts';
import { revokeApiToken } from '../../db/api-tokens.ts';
import { deactivateSubscriptionsOf } from '../../db/subscriptions.ts';
import { cancelDeliveriesOf } from '../../db/deliveries.ts';
import { NotFoundError } from '../../errors/index.ts';

/** What revoking a token ended: the token, the subscriptions it had made, and their deliveries still to send. */
export interface Revocation {
  id: number;
  revoked: true;
  endedSubscriptions: { id: number; name: string; channel: string }[];
  cancelledDeliveries: number;
}

/**
 * Revokes a token and ends what it owns, in one transaction: its UI sessions and bearer use end at their next
 * request, its subscriptions are deactivated (no new deliveries, their feeds answer 410), and their unsent
 * deliveries are cancelled, so a notify job already queued for one sends nothing. The same from the CLI and the API.
 */
export async function revokeToken(pool: Pool, id: number): Promise<Revocation> {
  return withTransaction(pool, async (db) => {
    if (!(await revokeApiToken(db, id))) throw new NotFoundError('token', id);
    const ended = await deactivateSubscriptionsOf(db, id);
    const cancelled = await cancelDeliveriesOf(db, ended.map((s) => s.id), `token ${id}, which made the subscription, was revoked`);
    return { id, revoked: true, endedSubscriptions: ended.map((s) => ({ id: s.id, name: s.name, channel: s.channel })), cancelledDeliveries: cancelled };
  });
}

/** One line saying what a revocation ended, for the terminal. */
export function describeRevocation(r: Revocation): string {
  const subs = r.endedSubscriptions;
  if (subs.length === 0) return `revoked token #${r.id}; it had no subscriptions`;
  const list = subs.map((s) => `#${s.id} ${s.name} (${s.channel})`).join(', ');
  const deliveries = r.cancelledDeliveries === 0 ? '' : `, and cancelled ${r.cancelledDeliveries} unsent ${r.cancelledDeliveries === 1 ? 'delivery' : 'deliveries'}`;
  return `revoked token #${r.id}; ended its ${subs.length === 1 ? 'subscription' : `${subs.length} subscriptions`}: ${list}${deliveries}`;
}
