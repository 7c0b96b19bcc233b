import type { Queryable } from './pool.ts';

/**
 * Counts /metrics' check tallies afresh from the stored snapshots and change rows (sql/016_check_tallies.sql):
 * after an import, whose rows arrive without the statements that keep the tallies.
 */
export async function rebuildCheckTallies(db: Queryable): Promise<void> {
  await db.query('select rebuild_check_tallies()');
}
