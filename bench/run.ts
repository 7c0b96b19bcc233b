/**
 * `npm run bench`: the capture, scale and run-modes benchmarks, printed as tables with the machine they ran on and
 * written to bench/results/latest.json. BENCH_PAGES sets the number of fixture pages (default 100), BENCH_TARGETS
 * the number of imported targets (default 10,000), BENCH_MODE_PAGES the fixture pages in each mode (default 40),
 * BENCH_MODES which run modes (default all three), BENCH_SITEMAP_URLS and BENCH_CDX_ROWS the sizes of the sources
 * read (default 50,000 and 10,000).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describeMachine, machine } from './lib/machine.ts';
import { markdownTable, printTable } from './lib/table.ts';
import { runCaptureBench } from './capture.ts';
import { runScaleBench } from './scale.ts';
import { runModesBench } from './modes.ts';
import { runSourcesBench } from './sources.ts';

const pages = Number(process.env.BENCH_PAGES ?? 100);
const targets = Number(process.env.BENCH_TARGETS ?? 10_000);
const modePages = Number(process.env.BENCH_MODE_PAGES ?? 40);
const sitemapUrls = Number(process.env.BENCH_SITEMAP_URLS ?? 50_000);
const cdxRows = Number(process.env.BENCH_CDX_ROWS ?? 10_000);
const m = machine();
process.stdout.write(`machine: ${describeMachine(m)}\n`);
const capture = await runCaptureBench(pages);
printTable(`captures of ${pages} fixture articles`, capture.rows);
const scale = await runScaleBench(targets);
printTable(`${targets} targets`, scale.rows);
const modes = await runModesBench(modePages);
printTable(`run modes: ${modePages} fixture articles, one worker of ${modes.figures.concurrency} lanes`, modes.rows);
const sources = await runSourcesBench(sitemapUrls, cdxRows);
printTable('sources: read, diffed and scheduled (captures excluded)', sources.rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL('./results/latest.json', import.meta.url);
const markdown = `${markdownTable([...capture.rows, ...scale.rows, ...modes.rows, ...sources.rows])}\n\nMachine: ${describeMachine(m)}.`;
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, capture: capture.figures, scale: scale.figures, modes: modes.figures, sources: sources.figures, markdown }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${out.pathname}\n`);
