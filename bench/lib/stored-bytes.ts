import type { Pool } from '../../src/db/pool.ts';

/** What the stored rows and blobs weigh, for the difference one pass of checks makes. */
export interface StoredBytes {
  /** Logical bytes of every snapshot, change, alert and target-state row, and of every blob. */
  rows: number;
  snapshots: number;
  changes: number;
  /** Recording rows (capture_exchanges), and the blobs their exchanges' bodies name (also counted in `rows`). */
  exchanges: number;
  exchangeBodies: number;
  /** The public schema's tables and indexes on disk (the queue schema, where there is one, left out). */
  relations: number;
}

/** Logical bytes of the rows and blobs stored (snapshot rows and change rows also apart), and the tables' size on disk. */
export async function storedBytes(pool: Pool): Promise<StoredBytes> {
  const { rows } = await pool.query<{ snapshots: string; changes: string; exchanges: string; bodies: string; other: string; relations: string }>(
    `select (select coalesce(sum(pg_column_size(s.*)), 0) from snapshots s) as snapshots,
            (select coalesce(sum(pg_column_size(c.*)), 0) from changes c) as changes,
            (select coalesce(sum(pg_column_size(e.*)), 0) from capture_exchanges e) as exchanges,
            (select coalesce(sum(b.size), 0) from blobs b where b.sha256 in (
               select decode(x->'body'->>'sha256', 'hex') from capture_exchanges e, jsonb_array_elements(e.exchanges) x)) as bodies,
            (select coalesce(sum(pg_column_size(a.*)), 0) from alerts a)
          + (select coalesce(sum(pg_column_size(t.*)), 0) from target_states t)
          + (select coalesce(sum(size), 0) from blobs) as other,
            (select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r') as relations`,
  );
  const r = rows[0]!;
  const [snapshots, changes, exchanges, other] = [Number(r.snapshots), Number(r.changes), Number(r.exchanges), Number(r.other)];
  return { rows: snapshots + changes + exchanges + other, snapshots, changes, exchanges, exchangeBodies: Number(r.bodies), relations: Number(r.relations) };
}
