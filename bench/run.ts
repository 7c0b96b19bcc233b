/**
 * `npm run bench`: first issue 23's table (bench/site-scale.ts: BENCH_RUNS runs, default 3, of BENCH_SCALE_PAGES
 * static pages, default 60, and BENCH_SCRIPT_PAGES script-dependent ones; BENCH_RECONCILE_TARGETS schedules
 * restored after a Redis wipe, default 100,000, BENCH_RECONCILE_RUNS times, default BENCH_RUNS), then the capture, scale and run-modes benchmarks, printed as
 * tables with the machine they ran on and the load average at start and end, and written to
 * bench/results/latest.json (BENCH_ONLY=issue23 stops after the first table). BENCH_PAGES sets the number of fixture pages (default 40), BENCH_TARGETS
 * the number of imported targets (default 10,000), BENCH_MODE_PAGES the fixture pages in each mode (default 40),
 * BENCH_MODES which run modes (default all three), BENCH_SITEMAP_URLS and BENCH_CDX_ROWS the sizes of the sources
 * read (default 50,000 and 10,000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { describeMachine, machine } from './lib/machine.ts';
import { markdownTable, printTable } from './lib/table.ts';
import { runSiteScaleBench } from './site-scale.ts';
import { runCaptureBench } from './capture.ts';
import { runScaleBench } from './scale.ts';
import { runModesBench } from './modes.ts';
import { runSourcesBench } from './sources.ts';

const runs = Number(process.env.BENCH_RUNS ?? 3);
const scalePages = Number(process.env.BENCH_SCALE_PAGES ?? 60);
const changedPages = Math.max(1, Math.round(scalePages * 0.05));
const scriptPages = Number(process.env.BENCH_SCRIPT_PAGES ?? changedPages);
const reconcile = { targets: Number(process.env.BENCH_RECONCILE_TARGETS ?? 100_000), runs: Number(process.env.BENCH_RECONCILE_RUNS ?? runs) };
const pages = Number(process.env.BENCH_PAGES ?? 40);
const targets = Number(process.env.BENCH_TARGETS ?? 10_000);
const modePages = Number(process.env.BENCH_MODE_PAGES ?? 40);
const sitemapUrls = Number(process.env.BENCH_SITEMAP_URLS ?? 50_000);
const cdxRows = Number(process.env.BENCH_CDX_ROWS ?? 10_000);
const m = machine();
const loadAverage = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const loadAtStart = loadAverage();
process.stdout.write(`machine: ${describeMachine(m)}\nload average at start: ${loadAtStart}\n`);
const siteScale = await runSiteScaleBench({ pages: scalePages, changedPages, scriptPages }, runs, reconcile);
const title = `issue 23: ${scalePages} static pages (${changedPages} changed), ${scriptPages} script-dependent, ${runs} runs, medians`;
printTable(title, siteScale.rows);
process.stdout.write(`\nprojection: ${siteScale.figures.projection}\n`);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL('./results/latest.json', import.meta.url);
const issueTable = `${markdownTable(siteScale.rows)}\n\n${siteScale.figures.projection}`;
const write = (figures: Record<string, unknown>, markdown: string) =>
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, loadAverage: { start: loadAtStart, end: loadAverage() }, siteScale: siteScale.figures, ...figures, markdown }, null, 2)}\n`);
// Written now too, so the issue's table survives a later benchmark failing (or BENCH_ONLY=issue23 stopping here).
write({}, `${issueTable}\n\nMachine: ${describeMachine(m)}; load average ${loadAtStart} at start, ${loadAverage()} at end.`);
if (process.env.BENCH_ONLY === 'issue23') {
  process.stdout.write(`\nload average at start: ${loadAtStart}, at end: ${loadAverage()}\nwritten to ${out.pathname}\n`);
  process.exit(0);
}
const capture = await runCaptureBench(pages);
printTable(`captures of ${pages} fixture articles`, capture.rows);
const scale = await runScaleBench(targets);
printTable(`${targets} targets`, scale.rows);
const modes = await runModesBench(modePages);
printTable(`run modes: ${modePages} fixture articles, one worker of ${modes.figures.concurrency} lanes`, modes.rows);
const sources = await runSourcesBench(sitemapUrls, cdxRows);
printTable('sources: read, diffed and scheduled (captures excluded)', sources.rows);
const loadAtEnd = loadAverage();
process.stdout.write(`\nload average at start: ${loadAtStart}, at end: ${loadAtEnd}\n`);
const markdown = `${issueTable}\n\n${markdownTable([...capture.rows, ...scale.rows, ...modes.rows, ...sources.rows])}\n\nMachine: ${describeMachine(m)}; load average ${loadAtStart} at start, ${loadAtEnd} at end.`;
write({ capture: capture.figures, scale: scale.figures, modes: modes.figures, sources: sources.figures }, markdown);
process.stdout.write(`\nwritten to ${out.pathname}\n`);
