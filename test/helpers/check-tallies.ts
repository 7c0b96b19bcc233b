import type { Queryable } from '../../src/db/pool.ts';

/** /metrics' check tallies row by row, as plain numbers in either database (node-postgres or PGlite). */
export async function checkTallies(db: Queryable): Promise<unknown[]> {
  return (await db.query('select tier, escalation, shard, checks::int, unchanged::int from check_tallies order by tier, escalation, shard')).rows;
}
