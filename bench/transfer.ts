/**
 * `npm run bench:transfer`: how long moving an installation takes. Seeds an embedded database with
 * BENCH_TRANSFER_TARGETS targets (default 1,000) and BENCH_TRANSFER_BLOBS screenshot-like blobs (default 200 of
 * 512 KiB, incompressible) plus as many page texts (~30 KB, compressible), exports it plain and gzipped, and
 * imports the plain file into a scratch database on the local Postgres. Prints a table with the machine and
 * writes bench/results/transfer.json. Not a test: it prints figures.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { putBlob } from '../src/db/blobs.ts';
import { migrate, migrationFiles } from '../src/db/migrate.ts';
import { createPool, type Pool } from '../src/db/pool.ts';
import { insertTargets } from '../src/db/targets.ts';
import { startEmbeddedPostgres } from '../src/embedded/embedded-postgres.ts';
import { parseNewTarget } from '../src/targets/target-input.ts';
import { exportDatabase } from '../src/transfer/export-database.ts';
import { createExportWriter, readExportLines } from '../src/transfer/export-file.ts';
import { importDatabase } from '../src/transfer/import-database.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { prose } from './lib/prose.ts';
import { createScratch } from './lib/scratch.ts';
import { markdownTable, printTable, type Row } from './lib/table.ts';

const TARGETS = Number(process.env.BENCH_TRANSFER_TARGETS ?? 1_000);
const BLOBS = Number(process.env.BENCH_TRANSFER_BLOBS ?? 200);
const MiB = 2 ** 20;

async function seed(pool: Pool): Promise<number> {
  const targets = Array.from({ length: TARGETS }, (_, i) => parseNewTarget({ url: `https://bench.example/story/${i}`, every: '6h' }, '6h'));
  for (let i = 0; i < targets.length; i += 500) await insertTargets(pool, targets.slice(i, i + 500));
  let bytes = 0;
  for (let i = 0; i < BLOBS; i++) {
    const screenshot = randomBytes(512 * 1024);
    const text = Buffer.from(prose(i + 1, 4_000));
    await putBlob(pool, { data: screenshot, mediaType: 'image/png' });
    await putBlob(pool, { data: text, mediaType: 'text/plain' });
    bytes += screenshot.length + text.length;
  }
  return bytes;
}

/** Runs `fn`, sampling this process's RSS; the seconds it took and the peak RSS above the start. */
async function measured(fn: () => Promise<unknown>): Promise<{ seconds: number; peakMiB: number }> {
  const base = process.memoryUsage().rss;
  let peak = base;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  const start = performance.now();
  try {
    await fn();
  } finally {
    clearInterval(timer);
  }
  return { seconds: (performance.now() - start) / 1000, peakMiB: Math.round((peak - base) / MiB) };
}

async function exportTo(pool: Pool, file: string): Promise<{ seconds: number; peakMiB: number; bytes: number }> {
  const writer = await createExportWriter(file, true);
  let bytes = 0;
  const m = await measured(async () => {
    await exportDatabase(pool, writer.sink);
    bytes = await writer.finish();
  });
  return { ...m, bytes };
}

const m = machine();
process.stdout.write(`machine: ${describeMachine(m)}\n`);
const dir = mkdtempSync(join(tmpdir(), 'scrubwatch-bench-transfer-'));
const embedded = await startEmbeddedPostgres({ dataDir: join(dir, 'data'), queueSchema: 'scrubwatch_queue', logger: pino({ level: 'silent' }) });
const pool = createPool(embedded.url, { max: 2 });
const scratch = await createScratch('transfer');
const rows: Row[] = [];
try {
  await migrate(pool);
  process.stdout.write(`[bench] seeding ${TARGETS} targets and ${BLOBS * 2} blobs\n`);
  const stored = await seed(pool);
  const mb = stored / MiB;
  const rate = (s: number) => `${(mb / s).toFixed(1)} MiB/s`;
  process.stdout.write('[bench] export, plain and gzipped\n');
  const plain = await exportTo(pool, join(dir, 'export.jsonl'));
  const gz = await exportTo(pool, join(dir, 'export.jsonl.gz'));
  process.stdout.write('[bench] import into the local Postgres\n');
  const known = await migrationFiles();
  const imported = await measured(() => importDatabase(scratch.pool, readExportLines(join(dir, 'export.jsonl')), known));
  rows.push(
    { measure: `stored: ${TARGETS} targets, ${BLOBS} screenshots of 512 KiB, ${BLOBS} page texts`, value: `${mb.toFixed(0)} MiB of blobs` },
    { measure: 'export from the embedded database, plain', value: `${plain.seconds.toFixed(1)} s (${rate(plain.seconds)}), file ${(plain.bytes / MiB).toFixed(0)} MiB, peak +${plain.peakMiB} MiB RSS` },
    { measure: 'export from the embedded database, .gz', value: `${gz.seconds.toFixed(1)} s (${rate(gz.seconds)}), file ${(gz.bytes / MiB).toFixed(0)} MiB, peak +${gz.peakMiB} MiB RSS` },
    { measure: 'import into the local Postgres (hashing every blob)', value: `${imported.seconds.toFixed(1)} s (${rate(imported.seconds)}), peak +${imported.peakMiB} MiB RSS` },
  );
} finally {
  await pool.end();
  await embedded.close();
  await scratch.drop();
  rmSync(dir, { recursive: true, force: true });
}

printTable('moving an installation: export and import', rows);
mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
const out = new URL('./results/transfer.json', import.meta.url);
writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, rows, markdown: `${markdownTable(rows)}\n\nMachine: ${describeMachine(m)}.` }, null, 2)}\n`);
process.stdout.write(`\nwritten to ${out.pathname}\n`);
