/**
 * `npm run bench`: the capture benchmark, printed as a table with the machine it ran on and written to
 * bench/results/latest.json. BENCH_PAGES sets the number of fixture pages (default 100).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { describeMachine, machine } from './lib/machine.ts';
import { markdownTable, printTable } from './lib/table.ts';
import { runCaptureBench } from './capture.ts';

const pages = Number(process.env.BENCH_PAGES ?? 100);
const m = machine();
process.stdout.write(`machine: ${describeMachine(m)}\n`);
const capture = await runCaptureBench(pages);
printTable(`captures of ${pages} fixture articles`, capture.rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL('./results/latest.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, capture: capture.figures, markdown: markdownTable(capture.rows) }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${out.pathname}\n`);
