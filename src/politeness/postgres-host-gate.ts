import type { Queryable } from '../db/pool.ts';
import type { HostGate, HostGateAnswer, HostGateLimits, HostWait } from './host-gate.ts';

/** A busy host is asked again after about this long, spread a little so waiting jobs do not return together. */
const BUSY_RETRY_MS = 2_000;
const RETRY_SPREAD_MS = 500;

interface AcquireRow {
  granted: boolean;
  reason: 'busy' | 'gap' | null;
  wait_ms: number | null;
}

/**
 * The HostGate in Postgres, for the modes without Redis: the same rules as the Redis gate, decided atomically by
 * acquire_host_slot (sql/007_host_gate.sql) on the database's clock, in one round trip.
 */
export function createPostgresHostGate(db: Queryable, limits: HostGateLimits): HostGate {
  return {
    async acquire(host, holder, leaseMs): Promise<HostGateAnswer> {
      const { rows } = await db.query<AcquireRow>('select granted, reason, wait_ms from acquire_host_slot($1, $2, $3, $4, $5)', [
        host,
        holder,
        leaseMs,
        limits.perHost,
        limits.gapMs,
      ]);
      const answer = rows[0]!;
      if (answer.granted) return { granted: true };
      const reason = answer.reason ?? 'busy';
      const waitMs = Number(answer.wait_ms ?? 0);
      // A busy host frees its slot when its capture ends, usually long before the lease runs out: ask again soon.
      const base = reason === 'busy' ? Math.min(Math.max(waitMs, 1), BUSY_RETRY_MS) : Math.max(waitMs, 1);
      const retryInMs = base + Math.floor(Math.random() * RETRY_SPREAD_MS);
      await db.query(
        `insert into host_waits (host, wait_count, wait_ms) values ($1, 1, $2)
         on conflict (host) do update set wait_count = host_waits.wait_count + 1, wait_ms = host_waits.wait_ms + excluded.wait_ms`,
        [host, retryInMs],
      );
      return { granted: false, retryInMs, reason };
    },
    async release(host, holder) {
      await db.query('delete from host_slots where host = $1 and holder = $2', [host, holder]);
    },
    async waits(): Promise<HostWait[]> {
      const { rows } = await db.query<{ host: string; wait_count: number; wait_ms: number }>(
        'select host, wait_count, wait_ms from host_waits order by wait_ms desc, host',
      );
      return rows.map((r) => ({ host: r.host, count: Number(r.wait_count), totalMs: Number(r.wait_ms) }));
    },
  };
}
