import type { Queryable } from './pool.ts';

/**
 * Figures `/metrics` reads at scrape time, so they are right whichever process captured: bounded windows and
 * indexed columns keep a scrape cheap.
 */

/** Snapshots by capture outcome (`unknown` for those stored before outcomes were kept), since `since` or ever. */
export async function countSnapshotsByOutcome(db: Queryable, since: Date | null): Promise<{ outcome: string; count: number }[]> {
  const { rows } = await db.query<{ outcome: string; count: number }>(
    `select coalesce(outcome, 'unknown') as outcome, count(*)::int as count from snapshots
     where ($1::timestamptz is null or created_at >= $1) group by 1 order by 1`,
    [since],
  );
  return rows;
}

/** How many snapshots since `since` took at most each of `boundsMs` (cumulative, like a histogram), their count and total duration. */
export async function captureDurationBuckets(db: Queryable, since: Date, boundsMs: number[]): Promise<{ buckets: number[]; count: number; sumMs: number }> {
  const { rows } = await db.query<{ buckets: number[]; count: number; sum_ms: number }>(
    `with w as (select duration_ms from snapshots where created_at >= $1)
     select array(select (select count(*) from w where w.duration_ms <= u.b)::int from unnest($2::float8[]) with ordinality as u(b, i) order by u.i) as buckets,
            (select count(*)::int from w) as count, (select coalesce(sum(duration_ms), 0)::float8 from w) as sum_ms`,
    [since, boundsMs],
  );
  const row = rows[0];
  return { buckets: row?.buckets ?? boundsMs.map(() => 0), count: row?.count ?? 0, sumMs: row?.sum_ms ?? 0 };
}

/** Alerts by kind and state. */
export async function countAlertsByKind(db: Queryable): Promise<{ kind: string; state: string; count: number }[]> {
  const { rows } = await db.query<{ kind: string; state: string; count: number }>(
    'select kind, state, count(*)::int as count from alerts group by kind, state order by kind, state',
  );
  return rows;
}

/** Checks answered by each tier, escalations by reason, false escalations by reason, and script-dependent targets. */
export interface TierCounts {
  byTier: { tier: string; count: number }[];
  escalations: { reason: string; count: number }[];
  /** Escalated full captures whose change row says unchanged: the browser was opened for nothing. */
  falseEscalations: { reason: string; count: number }[];
  scriptDependentTargets: number;
}

/**
 * The two-tier checking figures of /metrics, over scrubwatch's own captures (archived copies are no check), read
 * from the running tallies the inserts keep (sql/016_check_tallies.sql): a few dozen rows, however many snapshots.
 */
export async function countTierChecks(db: Queryable): Promise<TierCounts> {
  const [byTier, escalated, scripted] = await Promise.all([
    db.query<{ tier: string; count: number | string | bigint }>('select tier, sum(checks)::int8 as count from check_tallies group by tier order by tier'),
    db.query<{ reason: string; count: number | string | bigint; unchanged: number | string | bigint }>(
      `select escalation as reason, sum(checks)::int8 as count, sum(unchanged)::int8 as unchanged
         from check_tallies where escalation <> '' group by escalation order by escalation`,
    ),
    db.query<{ count: number }>('select count(*)::int as count from target_tiers where script_dependent'),
  ]);
  // Sums are bigint: node-postgres is set to read them as numbers, PGlite may read them as bigint or text.
  return {
    byTier: byTier.rows.map((r) => ({ tier: r.tier, count: Number(r.count) })),
    escalations: escalated.rows.map((r) => ({ reason: r.reason, count: Number(r.count) })),
    falseEscalations: escalated.rows.map((r) => ({ reason: r.reason, count: Number(r.unchanged) })),
    scriptDependentTargets: scripted.rows[0]?.count ?? 0,
  };
}
