import type { Queryable } from '../db/pool.ts';
import { acquireHostSlot, addHostWait, listHostWaits, releaseHostSlot } from '../db/host-slots.ts';
import type { HostGate, HostGateAnswer, HostGateLimits, HostWait } from './host-gate.ts';

/** A busy host is asked again after about this long, spread a little so waiting jobs do not return together. */
const BUSY_RETRY_MS = 2_000;
const RETRY_SPREAD_MS = 500;

/**
 * The HostGate in Postgres, for the modes without Redis: the same rules as the Redis gate, decided atomically by
 * acquire_host_slot (sql/007_host_gate.sql) on the database's clock, in one round trip.
 */
export function createPostgresHostGate(db: Queryable, limits: HostGateLimits): HostGate {
  return {
    async acquire(host, holder, leaseMs): Promise<HostGateAnswer> {
      const answer = await acquireHostSlot(db, host, holder, leaseMs, limits.perHost, limits.gapMs);
      if (answer.granted) return { granted: true };
      const reason = answer.reason ?? 'busy';
      const waitMs = Number(answer.waitMs ?? 0);
      // A busy host frees its slot when its capture ends, usually long before the lease runs out: ask again soon.
      const base = reason === 'busy' ? Math.min(Math.max(waitMs, 1), BUSY_RETRY_MS) : Math.max(waitMs, 1);
      const retryInMs = base + Math.floor(Math.random() * RETRY_SPREAD_MS);
      await addHostWait(db, host, retryInMs);
      return { granted: false, retryInMs, reason };
    },
    async release(host, holder) {
      await releaseHostSlot(db, host, holder);
    },
    async waits(): Promise<HostWait[]> {
      return listHostWaits(db);
    },
  };
}
