/**
 * `npm run bench:search`: an archive of 10,000 pages × 50 snapshots (BENCH_SEARCH_TARGETS, BENCH_SEARCH_SNAPSHOTS)
 * with realistic churn — most re-captures unchanged, 3 % edited (a paragraph cut or added), 3 % of pages removed as
 * 404s, 2 % naming "Assimi Goita" (half of those cut that paragraph later) — built through the real store and index
 * (putBlob, insertSnapshot, indexSnapshot) in a fresh database of its own; then the index's rows and bytes, p50/p95
 * of each scope for a phrase and for two common words (BENCH_SEARCH_RUNS runs each, through searchArchive), and the
 * time indexing adds to a save (BENCH_SEARCH_SAVES saves of each kind). The same again in the embedded mode (PGlite)
 * at 1,000 pages (BENCH_SEARCH_EMBEDDED_TARGETS; 0 skips it): PGlite runs every statement on one thread.
 * Prints tables with the machine and its load, writes bench/results/search.json. Not a test: it prints figures.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { migrate } from '../src/db/migrate.ts';
import { createPool, type Pool } from '../src/db/pool.ts';
import { startEmbeddedPostgres } from '../src/embedded/embedded-postgres.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { createScratch } from './lib/scratch.ts';
import { buildArchive, type BuildFigures, type BuildSizes } from './lib/search-build.ts';
import { analyzeSearchTables, indexSize, PAGE_SIZE, queryTimes, spread, type IndexSize, type QueryFigure, type Spread } from './lib/search-measure.ts';
import { saveTimes, type SaveFigure } from './lib/search-saves.ts';
import { markdownTable, printTable, type Row } from './lib/table.ts';

/** The issue's goals: a search's p95, and what indexing adds to a save. */
const QUERY_GOAL_MS = 100;
const SAVE_GOAL_MS = 5;

/** One mode's figures, as bench/results/search.json keeps them. */
export interface SearchBenchFigures {
  mode: 'postgres' | 'embedded';
  sizes: BuildSizes;
  build: Omit<BuildFigures, 'index'> & { index: Record<keyof BuildFigures['index'], Spread>; indexSeconds: number };
  size: IndexSize;
  queries: QueryFigure[];
  saves: SaveFigure[];
}

const num = (n: number) => Math.round(n).toLocaleString('en-US');
const ms = (n: number) => (n < 10 ? n.toFixed(2) : n.toFixed(1));
const spreadText = (s: Spread) => `p50 ${ms(s.p50)} ms, p95 ${ms(s.p95)} ms, mean ${ms(s.mean)} ms`;

function log(text: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 19)}] ${text}\n`);
}

/** Builds the archive in `pool`'s database and measures it. */
export async function measureArchive(mode: SearchBenchFigures['mode'], pool: Pool, sizes: BuildSizes, runs: number, saves: number): Promise<SearchBenchFigures> {
  log(`${mode}: building ${num(sizes.targets)} pages × ${sizes.snapshots} snapshots`);
  const built = await buildArchive(pool, sizes, (done) => log(`${mode}: ${num(done)} pages built`));
  const all = [...built.index.newText, ...built.index.sameText, ...built.index.gone];
  const indexSeconds = all.reduce((a, b) => a + b, 0) / 1000;
  const build = { ...built, indexSeconds, index: { newText: spread(built.index.newText), sameText: spread(built.index.sameText), gone: spread(built.index.gone) } };
  log(`${mode}: built in ${built.seconds.toFixed(0)} s; analyzing`);
  await analyzeSearchTables(pool);
  const size = await indexSize(pool);
  log(`${mode}: querying (${runs} runs each)`);
  const queries = await queryTimes(pool, runs);
  log(`${mode}: saving (${saves} of each kind)`);
  return { mode, sizes, build, size, queries, saves: await saveTimes(pool, saves) };
}

/** A mode's figures as table rows, each held to the issue's goal where it sets one. */
export function searchRows(f: SearchBenchFigures): Row[] {
  const m = f.mode;
  const b = f.build;
  const s = f.size;
  const perText = (bytes: number) => `${num(bytes / s.texts)} B`;
  const addedMean = (x: SaveFigure) => x.withIndex.mean - x.withoutIndex.mean;
  return [
    { measure: `${m}: build ${num(f.sizes.targets)} pages × ${f.sizes.snapshots} (store + index, ${f.sizes.concurrency} at once)`, value: `${b.seconds.toFixed(0)} s, ${num(b.snapshots / b.seconds)} snapshots/s` },
    { measure: `${m}: of which indexSnapshot`, value: `${b.indexSeconds.toFixed(0)} s (${((100 * b.indexSeconds) / b.seconds / f.sizes.concurrency).toFixed(0)} % of the build)` },
    { measure: `${m}: rows: texts, sightings, pages (snapshots)`, value: `${num(s.texts)}, ${num(s.sightings)}, ${num(s.pages)} (${num(s.snapshots)})` },
    { measure: `${m}: churn: edits, pages removed, naming the name (mention cut)`, value: `${num(b.edits)}, ${num(b.removed)}, ${num(b.mentioning)} (${num(b.mentionCut)})` },
    { measure: `${m}: search_texts per distinct text (stored parts, tsvector, GIN, key)`, value: `${perText(s.textsBytes)} (tsvector ${perText(s.tsvectorBytes)}, GIN ${perText(s.ginBytes)})` },
    { measure: `${m}: search_sightings + search_latest per distinct text`, value: perText(s.pageRowsBytes) },
    ...f.queries.map((q) => ({
      measure: `${m}: ${q.scope}, ${q.label}`,
      value: `p50 ${ms(q.spread.p50)} ms, p95 ${ms(q.spread.p95)} ms (${q.pages === null ? `${q.items} on the first page` : `${q.pages} pages`})`,
      target: `p95 < ${QUERY_GOAL_MS} ms`,
      met: q.spread.p95 < QUERY_GOAL_MS,
    })),
    { measure: `${m}: indexSnapshot, a new text`, value: spreadText(b.index.newText), target: `< ${SAVE_GOAL_MS} ms`, met: b.index.newText.p95 < SAVE_GOAL_MS },
    { measure: `${m}: indexSnapshot, the text unchanged`, value: spreadText(b.index.sameText), target: `< ${SAVE_GOAL_MS} ms`, met: b.index.sameText.p95 < SAVE_GOAL_MS },
    { measure: `${m}: indexSnapshot, a 404`, value: spreadText(b.index.gone), target: `< ${SAVE_GOAL_MS} ms`, met: b.index.gone.p95 < SAVE_GOAL_MS },
    ...f.saves.flatMap((x) => [
      {
        measure: `${m}: storing transaction, ${x.kind}: with / without indexing (mean)`,
        value: `${ms(x.withIndex.mean)} / ${ms(x.withoutIndex.mean)} ms: +${ms(addedMean(x))} ms`,
        target: `+ < ${SAVE_GOAL_MS} ms`,
        met: addedMean(x) < SAVE_GOAL_MS,
      },
      { measure: `${m}: saveCapture, ${x.kind} (indexing included)`, value: spreadText(x.saveCapture) },
    ]),
  ];
}

async function onPostgres(sizes: BuildSizes, runs: number, saves: number): Promise<SearchBenchFigures> {
  const scratch = await createScratch('search');
  try {
    return await measureArchive('postgres', scratch.pool, sizes, runs, saves);
  } finally {
    await scratch.drop();
  }
}

async function onEmbedded(sizes: BuildSizes, runs: number, saves: number): Promise<SearchBenchFigures> {
  const dataDir = mkdtempSync(join(tmpdir(), 'scrubwatch-bench-search-'));
  const db = await startEmbeddedPostgres({ dataDir, queueSchema: 'scrubwatch_queue', logger: pino({ level: 'silent' }) });
  const pool = createPool(db.url, { max: 2 });
  try {
    await migrate(pool);
    return await measureArchive('embedded', pool, sizes, runs, saves);
  } finally {
    await pool.end();
    await db.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const env = (name: string, fallback: number) => Number(process.env[name] ?? fallback);
  const snapshots = env('BENCH_SEARCH_SNAPSHOTS', 50);
  const words = env('BENCH_SEARCH_WORDS', 2_500);
  const runs = env('BENCH_SEARCH_RUNS', 50);
  const saves = env('BENCH_SEARCH_SAVES', 100);
  const postgresSizes = { targets: env('BENCH_SEARCH_TARGETS', 10_000), snapshots, words, concurrency: env('BENCH_SEARCH_CONCURRENCY', 2) };
  const embeddedSizes = { targets: env('BENCH_SEARCH_EMBEDDED_TARGETS', 1_000), snapshots, words, concurrency: 1 };
  const m = machine();
  const loadBefore = loadavg();
  process.stdout.write(`machine: ${describeMachine(m)}; load average ${loadBefore.map((l) => l.toFixed(2)).join(' ')}\n`);
  const figures = [await onPostgres(postgresSizes, runs, saves)];
  if (embeddedSizes.targets > 0) figures.push(await onEmbedded(embeddedSizes, runs, saves));
  const loadAfter = loadavg();
  const rows = figures.flatMap(searchRows);
  printTable(`search: articles of ~${num(words)} words, first page of ${PAGE_SIZE} results, ${runs} runs per query`, rows);
  process.stdout.write(`\nload average at the end: ${loadAfter.map((l) => l.toFixed(2)).join(' ')}\n`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = new URL('./results/search.json', import.meta.url);
  const markdown = `${markdownTable(rows)}\n\nMachine: ${describeMachine(m)}; load average ${loadBefore[0]!.toFixed(2)} at the start, ${loadAfter[0]!.toFixed(2)} at the end.`;
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, loadBefore, loadAfter, figures, markdown }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${out.pathname}\n`);
}
