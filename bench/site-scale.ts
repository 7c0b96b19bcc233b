/**
 * Issue 23's table (the first part of `npm run bench`): the bare-Playwright floor and scrubwatch measured in the
 * same run on the same pages, each on a host of its own, BENCH_RUNS times (default 3), medians; the pages one
 * 2-core machine keeps under watch, projected from the measured per-check costs; the reconcile of
 * BENCH_RECONCILE_TARGETS schedules after a Redis wipe (BENCH_RECONCILE_RUNS times, default BENCH_RUNS); the
 * Postgres bytes per unchanged check; checks per tier, escalations by reason and false escalations. BENCH_SCALE_PAGES sets the static pages per run (default 60), of
 * which 5 % change; BENCH_SCRIPT_PAGES the script-dependent pages (default the same count as the changed ones).
 * Not a test: it prints figures.
 */
import { measureSiteScaleRun, type PassTiers, type SiteScaleRun, type SiteScaleSizes } from './lib/site-scale-run.ts';
import { runReconcileBench, type ReconcileFigures } from './reconcile.ts';
import { median } from './lib/median.ts';
import type { Row } from './lib/table.ts';

/** The mix the projection assumes (issue 23): checks a day, and the share of each kind of check or page. */
export const MIX = { checksPerDay: 4, unchanged: 0.95, changed: 0.05, scriptDependent: 0.01, periodicEveryDays: 7 } as const;
const MACHINE_SECONDS_PER_DAY = 86_400;

export interface SiteScaleFigures {
  runs: SiteScaleRun[];
  unchangedOverFloor: number;
  firstOverFloor: number;
  /** Median seconds of the whole machine per check, by kind. */
  secondsPerCheck: { floor: number; first: number; unchanged: number; changed: number; script: number };
  secondsPerPageDay: number;
  pagesPerMachine: number;
  projection: string;
  reconcile: ReconcileFigures;
  unchangedBytesPerCheck: number;
  /** Summed over every run's unchanged, changed and script-dependent passes. */
  tiers: PassTiers;
  falseEscalations: number;
  loadAverage: { start: number[]; end: number[] };
}

const r2 = (n: number) => Math.round(n * 100) / 100;
const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * Pages per machine from per-check costs (machine seconds): a page is checked `checksPerDay` times a day; a
 * script-dependent page (1 %) always in the browser; any other page's check is its periodic full capture once in
 * `periodicEveryDays × checksPerDay` checks (costed as a first capture, the dearest full one), and otherwise
 * unchanged (95 %) or changed (5 %, the cheap check and the full capture it escalates to).
 */
export function projectPages(s: SiteScaleFigures['secondsPerCheck']): { secondsPerPageDay: number; pages: number; formula: string } {
  const periodic = 1 / (MIX.periodicEveryDays * MIX.checksPerDay);
  const ordinary = (1 - periodic) * (MIX.unchanged * s.unchanged + MIX.changed * s.changed) + periodic * s.first;
  const perCheck = (1 - MIX.scriptDependent) * ordinary + MIX.scriptDependent * s.script;
  const secondsPerPageDay = MIX.checksPerDay * perCheck;
  const pages = MACHINE_SECONDS_PER_DAY / secondsPerPageDay;
  const f = (n: number) => n.toFixed(3);
  const formula =
    `pages = ${fmt(MACHINE_SECONDS_PER_DAY)} s/day ÷ (${MIX.checksPerDay} checks/day × [0.99 × ((27/28) × (0.95 × ${f(s.unchanged)} s unchanged + 0.05 × ${f(s.changed)} s changed)` +
    ` + (1/28) × ${f(s.first)} s periodic full) + 0.01 × ${f(s.script)} s script-dependent]) = ${fmt(MACHINE_SECONDS_PER_DAY)} ÷ ${secondsPerPageDay.toFixed(3)} = ${fmt(pages)}`;
  return { secondsPerPageDay, pages, formula };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, n] of Object.entries(from)) into[k] = (into[k] ?? 0) + n;
}

export async function runSiteScaleBench(sizes: SiteScaleSizes, runs: number, reconcile: { targets: number; runs: number }): Promise<{ figures: SiteScaleFigures; rows: Row[] }> {
  const { loadavg } = await import('node:os');
  const start = loadavg().map(r2);
  // The reconcile first: on a busy machine it is the figure most likely to be wanted before the page runs end.
  process.stdout.write(`[bench] reconcile ${reconcile.targets} targets after a Redis wipe\n`);
  const reconciled = await runReconcileBench(reconcile.targets, reconcile.runs);
  const measured: SiteScaleRun[] = [];
  for (let run = 1; run <= runs; run++) {
    process.stdout.write(`[bench] site-scale run ${run} of ${runs}, load average ${loadavg().map(r2).join(' ')}\n`);
    measured.push(await measureSiteScaleRun(sizes));
    // Printed as each run ends, so a later run failing does not lose the figures.
    process.stdout.write(`[bench] run ${run}: ${JSON.stringify(measured.at(-1))}\n`);
  }
  const med = (pick: (r: SiteScaleRun) => number) => median(measured.map(pick));
  const secondsPerCheck = {
    floor: med((r) => r.floorSecondsPerPage),
    first: med((r) => r.firstSecondsPerCheck),
    unchanged: med((r) => r.unchangedSecondsPerCheck),
    changed: med((r) => r.changedSecondsPerCheck),
    script: med((r) => r.scriptSecondsPerCheck),
  };
  const projection = projectPages(secondsPerCheck);
  const tiers: PassTiers = { tiers: {}, escalations: {} };
  for (const r of measured) for (const p of Object.values(r.passes)) {
    addCounts(tiers.tiers, p.tiers);
    addCounts(tiers.escalations, p.escalations);
  }
  const figures: SiteScaleFigures = {
    runs: measured,
    // Each run's ratio is of figures measured side by side; the median is over runs.
    unchangedOverFloor: r2(med((r) => r.unchangedSecondsPerCheck / r.floorSecondsPerPage)),
    firstOverFloor: r2(med((r) => r.firstSecondsPerCheck / r.floorSecondsPerPage)),
    secondsPerCheck,
    secondsPerPageDay: projection.secondsPerPageDay,
    pagesPerMachine: Math.round(projection.pages),
    projection: projection.formula,
    reconcile: reconciled,
    unchangedBytesPerCheck: Math.round(med((r) => r.unchangedBytesPerCheck)),
    tiers,
    falseEscalations: measured.reduce((n, r) => n + r.falseEscalations, 0),
    loadAverage: { start, end: loadavg().map(r2) },
  };
  return { figures, rows: siteScaleRows(figures) };
}

function siteScaleRows(f: SiteScaleFigures): Row[] {
  const counts = (c: Record<string, number>) => Object.entries(c).map(([k, n]) => `${k} ${n}`).join(', ') || 'none';
  const s = f.secondsPerCheck;
  return [
    { measure: 'unchanged static page: scrubwatch check ÷ floor', value: `${f.unchangedOverFloor}× (${r2(s.unchanged)} s vs ${r2(s.floor)} s per page)`, target: '≤ 0.10×', met: f.unchangedOverFloor <= 0.1 },
    { measure: 'first capture ÷ floor', value: `${f.firstOverFloor}× (${r2(s.first)} s per page)`, target: '≤ 1.25×', met: f.firstOverFloor <= 1.25 },
    { measure: 'pages one machine keeps under watch, 4 checks/day', value: fmt(f.pagesPerMachine), target: '≥ 100,000', met: f.pagesPerMachine >= 100_000 },
    { measure: `reconcile ${fmt(f.reconcile.targets)} schedules after a Redis wipe`, value: `${f.reconcile.medianSeconds.toFixed(1)} s`, target: '≤ 20 s', met: f.reconcile.medianSeconds <= 20 },
    { measure: 'Postgres bytes per unchanged check', value: `${fmt(f.unchangedBytesPerCheck)} B`, target: '< 400 B', met: f.unchangedBytesPerCheck < 400 },
    { measure: 'changed check (cheap + full) / script-dependent check', value: `${r2(s.changed)} s / ${r2(s.script)} s per page` },
    { measure: 'checks per tier (all runs)', value: counts(f.tiers.tiers) },
    { measure: 'escalations by reason (all runs)', value: counts(f.tiers.escalations) },
    { measure: 'false escalations (unchanged pages sent to the browser)', value: String(f.falseEscalations), target: '0', met: f.falseEscalations === 0 },
  ];
}
