/**
 * `npx tsx bench/saved-searches.ts [postgres|embedded]`: what saved searches add to saving one capture — the work of
 * savedSearchFindings (src/search/saved-search-findings.ts) inside a save's transaction, for a page read unchanged, a
 * page whose text changed with 0, 1 and 10 saved searches kept, and one whose mention went with 10 kept. Prints the
 * medians and p95s; not a test.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pino } from 'pino';
import { migrate } from '../src/db/migrate.ts';
import { createPool, withTransaction, type Pool } from '../src/db/pool.ts';
import type { Snapshot } from '../src/db/snapshots.ts';
import { insertSearchText } from '../src/db/search-index.ts';
import type { PageFacts, TextBlock } from '../src/page-data/page-facts.ts';
import { savedSearchFindings, type SavedSearchInput } from '../src/search/saved-search-findings.ts';
import { searchDocument, searchDocumentSha } from '../src/search/search-document.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { prose } from './lib/prose.ts';
import { createScratch } from './lib/scratch.ts';
import { printTable, type Row } from './lib/table.ts';

const ROUNDS = 300;
const NAMED = 'Col. Assimi Goita, commander of the special forces, said the exercise allowed his soldiers to rehearse.';

/** A 30 KB article; `named` keeps the paragraph naming him, `edit` changes one paragraph. */
function article(named: boolean, edit: number): PageFacts {
  const blocks: TextBlock[] = [{ kind: 'heading', text: 'Flintlock 2019 begins in Burkina Faso and Mauritania' }];
  for (let i = 0, size = 0; size < 30_000; i++) {
    const text = i === 3 ? (named ? NAMED : prose(7_000, 20)) : prose(i + 1 + (i === 5 ? edit : 0), 40 + (i % 60));
    blocks.push({ kind: 'paragraph', text });
    size += text.length;
  }
  return { title: 'Flintlock 2019', canonicalUrl: null, blocks, media: [], links: [], embeds: [] };
}

const snapshot = (id: number, factsSha: string, kind: 'ok' | 'gone' = 'ok') =>
  ({ id, targetId: 1, outcome: { kind, signal: kind }, status: 200, parts: { facts: factsSha } }) as unknown as Snapshot;

async function indexed(pool: Pool, facts: PageFacts): Promise<Buffer> {
  const doc = searchDocument(facts);
  const sha = searchDocumentSha(doc);
  await insertSearchText(pool, sha, doc);
  return sha;
}

async function keepSearches(pool: Pool, n: number): Promise<void> {
  await pool.query('delete from saved_searches');
  const queries = ['"Assimi Goita"', 'Mauritania OR Niger', 'flintlock -exercise', 'sahel*', 'Hicks', 'Ouagadougou', '"special forces"', 'Atar', 'AFRICOM', 'Goïta'];
  for (let i = 0; i < n; i++) {
    await pool.query(`insert into saved_searches (query, created_by) values ($1, 'cli')`, [queries[i % queries.length]]);
  }
}

/** The median and 95th percentile of ROUNDS runs of `run`, which answers the milliseconds its measured part took. */
async function samples(run: () => Promise<number>): Promise<{ p50: number; p95: number }> {
  const runs: number[] = [];
  for (let i = 0; i < ROUNDS; i++) runs.push(await run());
  runs.sort((a, b) => a - b);
  return { p50: runs[Math.floor(ROUNDS / 2)]!, p95: runs[Math.floor(ROUNDS * 0.95)]! };
}

/** savedSearchFindings alone, each run inside a transaction of its own as a save runs it. */
async function time(pool: Pool, input: SavedSearchInput): Promise<{ p50: number; p95: number; findings: number }> {
  let findings = 0;
  const t = await samples(() =>
    withTransaction(pool, async (db) => {
      const start = performance.now();
      findings = (await savedSearchFindings(db, input)).length;
      return performance.now() - start;
    }),
  );
  return { ...t, findings };
}

async function measure(pool: Pool): Promise<Row[]> {
  const before = article(true, 0);
  const changed = article(true, 1);
  const cut = article(false, 0);
  const [, changedSha, cutSha] = [await indexed(pool, before), await indexed(pool, changed), await indexed(pool, cut)];
  const base = { target: { id: 1, kind: 'page' as const, tags: [] }, lifecycle: 'live' as const, baseline: { snapshot: snapshot(1, 'a'), facts: before }, classified: [] };
  const cases: Array<[string, number, SavedSearchInput]> = [
    ['unchanged page, 10 saved searches', 10, { ...base, current: { snapshot: snapshot(2, 'a'), textSha: null } }],
    ['changed text, 0 saved searches', 0, { ...base, current: { snapshot: snapshot(2, 'b'), textSha: changedSha } }],
    ['changed text, 1 saved search', 1, { ...base, current: { snapshot: snapshot(2, 'b'), textSha: changedSha } }],
    ['changed text, 10 saved searches', 10, { ...base, current: { snapshot: snapshot(2, 'b'), textSha: changedSha } }],
    ['mention gone, 10 saved searches', 10, { ...base, current: { snapshot: snapshot(2, 'c'), textSha: cutSha } }],
  ];
  const rows: Row[] = [];
  // The floor every statement pays on this machine now: read the rows against it when the machine is busy.
  const trip = await samples(async () => {
    const start = performance.now();
    await pool.query('select 1');
    return performance.now() - start;
  });
  rows.push({ measure: 'one round trip (select 1), for scale', value: `p50 ${trip.p50.toFixed(3)} ms, p95 ${trip.p95.toFixed(3)} ms` });
  for (const [measure, kept, input] of cases) {
    await keepSearches(pool, kept);
    const t = await time(pool, input);
    rows.push({ measure: `${measure} (${t.findings} finding${t.findings === 1 ? '' : 's'})`, value: `p50 ${t.p50.toFixed(3)} ms, p95 ${t.p95.toFixed(3)} ms`, target: '< 5 ms', met: t.p95 < 5 });
  }
  return rows;
}

const mode = process.argv[2] === 'embedded' ? 'embedded' : 'postgres';
if (mode === 'embedded') {
  const { startEmbeddedPostgres } = await import('../src/embedded/embedded-postgres.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'scrubwatch-bench-'));
  const embedded = await startEmbeddedPostgres({ dataDir, queueSchema: 'scrubwatch_queue', logger: pino({ level: 'silent' }) });
  const pool = createPool(embedded.url, { max: 2 });
  try {
    await migrate(pool);
    printTable(`saved searches, added time per save — embedded (PGlite); ${describeMachine(machine())}`, await measure(pool));
  } finally {
    await pool.end();
    await embedded.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
} else {
  const scratch = await createScratch('saved_searches');
  try {
    printTable(`saved searches, added time per save — local Postgres; ${describeMachine(machine())}`, await measure(scratch.pool));
  } finally {
    await scratch.drop();
  }
}
