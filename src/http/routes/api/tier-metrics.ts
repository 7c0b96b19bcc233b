import { Counter, Gauge, type Registry } from 'prom-client';
import type { Pool } from '../../../db/pool.ts';
import { countTierChecks, type TierCounts } from '../../../db/stats.ts';
import { ESCALATION_REASONS } from '../../../tiers/escalation.ts';

const TIERS = ['full', 'cheap'] as const;

/**
 * The two-tier checking figures (docs/checking-tiers.md), read from Postgres at scrape time like the others: one
 * read per scrape, shared by the four series, so they agree with each other. Every tier and every escalation reason
 * is exported, 0 when none, so a dashboard's rate() never meets a missing series. The checks are counters: the
 * tallies only grow as checks are stored (sql/016_check_tallies.sql), whichever worker stored them.
 */
export function registerTierMetrics(registry: Registry, pool: Pool): void {
  let pending: Promise<TierCounts> | null = null;
  // The four collect() calls of one scrape start together: they share one read, dropped once it settles.
  const read = (): Promise<TierCounts> => {
    pending ??= countTierChecks(pool).finally(() => {
      pending = null;
    });
    return pending;
  };
  // A counter's value is set by resetting it and adding the tally, as prom-client has no set for counters.
  const byReason = (counter: Counter<'reason'>, rows: { reason: string; count: number }[]) => {
    const counts = new Map(rows.map((r) => [r.reason, r.count]));
    for (const reason of new Set<string>([...ESCALATION_REASONS, ...counts.keys()])) counter.inc({ reason }, counts.get(reason) ?? 0);
  };

  new Counter({
    name: 'scrubwatch_checks_total',
    help: 'Checks (own snapshots, not archived copies) by the tier that answered: full (a browser capture) or cheap (plain HTTP found the page as before)',
    labelNames: ['tier'],
    registers: [registry],
    async collect() {
      this.reset();
      const counts = new Map((await read()).byTier.map((r) => [r.tier, r.count]));
      for (const tier of TIERS) this.inc({ tier }, counts.get(tier) ?? 0);
    },
  });
  new Counter({
    name: 'scrubwatch_check_escalations_total',
    help: 'Checks sent to the browser when the cheap tier could have answered, by why (first, periodic, script_dependent, hash_changed, …)',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      this.reset();
      byReason(this, (await read()).escalations);
    },
  });
  new Counter({
    name: 'scrubwatch_check_false_escalations_total',
    help: 'Escalated full captures that then found the page unchanged (their change row says unchanged), by escalation reason',
    labelNames: ['reason'],
    registers: [registry],
    async collect() {
      this.reset();
      byReason(this, (await read()).falseEscalations);
    },
  });
  new Gauge({
    name: 'scrubwatch_script_dependent_targets',
    help: 'Targets whose last full capture found their text written by scripts: always captured in the browser',
    registers: [registry],
    async collect() {
      this.set((await read()).scriptDependentTargets);
    },
  });
}
