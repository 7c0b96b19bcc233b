import type { Pool } from '../../src/db/pool.ts';

/** What the stored rows and blobs weigh, for the difference one pass of checks makes. */
export interface StoredBytes {
  /** Logical bytes of every snapshot, change, alert and target-state row, and of every blob. */
  rows: number;
  snapshots: number;
  changes: number;
  /** The public schema's tables and indexes on disk (the queue schema, where there is one, left out). */
  relations: number;
}

/** Logical bytes of the rows and blobs stored (snapshot rows and change rows also apart), and the tables' size on disk. */
export async function storedBytes(pool: Pool): Promise<StoredBytes> {
  const { rows } = await pool.query<{ snapshots: string; changes: string; other: string; relations: string }>(
    `select (select coalesce(sum(pg_column_size(s.*)), 0) from snapshots s) as snapshots,
            (select coalesce(sum(pg_column_size(c.*)), 0) from changes c) as changes,
            (select coalesce(sum(pg_column_size(a.*)), 0) from alerts a)
          + (select coalesce(sum(pg_column_size(t.*)), 0) from target_states t)
          + (select coalesce(sum(size), 0) from blobs) as other,
            (select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r') as relations`,
  );
  const r = rows[0]!;
  const [snapshots, changes, other] = [Number(r.snapshots), Number(r.changes), Number(r.other)];
  return { rows: snapshots + changes + other, snapshots, changes, relations: Number(r.relations) };
}
