import type { Queryable } from './pool.ts';

/** What acquire_host_slot (sql/007_host_gate.sql) answered: a slot, or why not and how long until one may free. */
export interface HostSlotAnswer {
  granted: boolean;
  reason: 'busy' | 'gap' | null;
  waitMs: number | null;
}

/** One host's waits so far: how many times a capture was told to come back, and for how long in all. */
export interface HostWaitRow {
  host: string;
  count: number;
  totalMs: number;
}

/** Takes a slot on `host` for `holder` if the host's limits allow, atomically and on the database's clock. */
export async function acquireHostSlot(db: Queryable, host: string, holder: string, leaseMs: number, perHost: number, gapMs: number): Promise<HostSlotAnswer> {
  const { rows } = await db.query<{ granted: boolean; reason: 'busy' | 'gap' | null; wait_ms: number | null }>(
    'select granted, reason, wait_ms from acquire_host_slot($1, $2, $3, $4, $5)',
    [host, holder, leaseMs, perHost, gapMs],
  );
  const r = rows[0]!;
  return { granted: r.granted, reason: r.reason, waitMs: r.wait_ms };
}

/** Counts one wait of `waitMs` against `host`. */
export async function addHostWait(db: Queryable, host: string, waitMs: number): Promise<void> {
  await db.query(
    `insert into host_waits (host, wait_count, wait_ms) values ($1, 1, $2)
     on conflict (host) do update set wait_count = host_waits.wait_count + 1, wait_ms = host_waits.wait_ms + excluded.wait_ms`,
    [host, waitMs],
  );
}

/** Gives back `holder`'s slot on `host` (nothing when it holds none). */
export async function releaseHostSlot(db: Queryable, host: string, holder: string): Promise<void> {
  await db.query('delete from host_slots where host = $1 and holder = $2', [host, holder]);
}

/** Every host's waits, the longest total first. */
export async function listHostWaits(db: Queryable): Promise<HostWaitRow[]> {
  const { rows } = await db.query<{ host: string; wait_count: number; wait_ms: number }>(
    'select host, wait_count, wait_ms from host_waits order by wait_ms desc, host',
  );
  return rows.map((r) => ({ host: r.host, count: Number(r.wait_count), totalMs: Number(r.wait_ms) }));
}
