import type { Source } from '../db/sources.ts';
import type { TargetSource } from '../db/source-reports.ts';
import type { SourceRunResult } from '../sources/source-model.ts';
import type { SourceReport, SourceSummary } from '../sources/source-report.ts';

/** Human-readable forms of the `sources` commands' answers; `--json` prints the objects themselves. */

/** `#3 (paused) sitemap https://… — read every 6h, targets every 24h [mali] — name`. */
export function sourceLine(s: Source): string {
  const tags = s.tags.length ? ` [${s.tags.join(', ')}]` : '';
  return `#${s.id} ${s.state === 'paused' ? '(paused) ' : ''}${s.kind} ${s.url} — read every ${s.every}, targets every ${s.targetsEvery}${tags}${s.name ? ` — ${s.name}` : ''}`;
}

/** `12 pages (10 listed, 2 delisted), 3 screened out, 1 lost`. */
function countsText(s: SourceSummary): string {
  const c = s.counts;
  const more = [c.screening ? `${c.screening} screening` : null, c.screenedOut ? `${c.screenedOut} screened out` : null, c.lost ? `${c.lost} lost` : null];
  return [`${c.pages} page${c.pages === 1 ? '' : 's'} (${c.listed} listed, ${c.delisted} delisted)`, ...more].filter((p) => p !== null).join(', ');
}

/** The line of `sources list`: the source and its counts. */
export function sourceSummaryLine(s: SourceSummary): string {
  return `${sourceLine(s)}\n  ${countsText(s)}${s.lastRun ? `; last run ${s.lastRun.at}` : '; never run'}`;
}

/** `discovered 120, added 118, already watched 2, …`: the numbers of a run. */
export function runNumbers(r: SourceRunResult): string {
  return [
    `discovered ${r.discovered}`,
    `added ${r.added}`,
    `already watched ${r.alreadyWatched}`,
    `skipped ${r.skipped}`,
    `delisted ${r.delisted}`,
    `screened out ${r.screenedOut}`,
  ].join(', ') + (r.capped ? ' — stopped at --max-targets' : '');
}

/** A run's result as lines: its numbers, then each problem and warning. */
export function runSummary(r: SourceRunResult, indent = ''): string {
  return [
    `${indent}${runNumbers(r)}`,
    ...r.problems.map((p) => `${indent}  problem ${p.code}: ${p.message} (${p.url})`),
    ...r.warnings.map((w) => `${indent}  warning: ${w}`),
  ].join('\n');
}

/** `sources show`: settings, counts, the last run, and the pages it delisted or lost. */
export function sourceDetail(s: SourceReport): string {
  const settings = [
    s.include.length ? `  include: ${s.include.join(' | ')}` : null,
    s.exclude.length ? `  exclude: ${s.exclude.join(' | ')}` : null,
    s.phrases.length ? `  phrases: ${s.phrases.map((p) => `"${p}"`).join(', ')}${s.onlyMatching ? ' (only matching pages are kept)' : ''}` : null,
    `  at most ${s.maxTargets} targets; ${s.complete ? 'complete (pages it stops listing are delisted)' : 'not complete (pages roll off)'}${s.ignoreRobots ? '; ignores robots.txt' : ''}`,
    s.since ? `  since ${s.since}` : null,
    s.kind === 'listing' ? `  up to ${s.pages} listing page${s.pages === 1 ? '' : 's'}${s.nextSelector ? `, next page by ${s.nextSelector}` : ''}` : null,
    `  ${countsText(s)}`,
    s.lastRun ? `  last run ${s.lastRun.at}:\n${runSummary(s.lastRun, '    ')}` : '  never run: `scrubwatch sources run ' + s.id + '` reads it now',
  ];
  const losses = s.losses.map((l) => {
    const what = [l.delistedAt ? `delisted ${l.delistedAt}` : null, l.removed ? 'removed' : null].filter((w) => w !== null).join(', ');
    return `    target #${l.targetId} ${l.url} — ${what}`;
  });
  return [sourceLine(s), ...settings.filter((l) => l !== null), ...(losses.length ? ['  delisted or lost:', ...losses] : [])].join('\n');
}

/** The lines `targets show` adds: which sources list the target, and since when. */
export function targetSourcesText(sources: TargetSource[]): string | null {
  if (sources.length === 0) return null;
  return [
    '  listed by:',
    ...sources.map((s) => `    source #${s.id} ${s.kind} ${s.url} — first listed ${s.firstListedAt}${s.delistedAt ? `, delisted ${s.delistedAt}` : ''}`),
  ].join('\n');
}
