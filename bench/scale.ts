/**
 * `npm run bench:scale` (item 5 of the benchmark): 10,000 targets (BENCH_TARGETS) imported through the real CLI
 * (`scrubwatch targets import`), then their schedules reconciled from an empty Redis as a worker start does, and
 * the Redis memory each scheduled target costs. Runs on a database and queue prefix of its own, dropped after.
 * Prints a table with the machine and writes bench/results/scale.json. Not a test: it prints figures.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createContext, type Context } from '../src/context.ts';
import { listTargets } from '../src/db/targets.ts';
import { reconcileSchedules, type ReconcileResult } from '../src/queue/schedules.ts';
import type { ImportReport } from '../src/targets/import-targets.ts';
import { createScratch, type Scratch } from './lib/scratch.ts';
import { deletePrefixKeys } from '../test/helpers/queue-prefix.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { markdownTable, printTable, type Row } from './lib/table.ts';

const BIN = fileURLToPath(new URL('../bin/scrubwatch', import.meta.url));
const HOSTS = 100;
const EVERY = ['1h', '6h', '6h', '1d'];

export interface ScaleFigures {
  targets: number;
  importSeconds: number;
  reconcileFromEmptySeconds: number;
  reconcileUnchangedSeconds: number;
  /** Every key under the prefix once the schedules are restored, over the targets: the steady state. */
  redisBytesPerScheduledTarget: number;
  /** The same right after the import, which also holds each target's pending first capture. */
  redisBytesPerTargetAfterImport: number;
  redisBytesByKind: Record<string, number>;
}

/** A CSV like a newsroom's watch list: a hundred sites, mixed intervals, some cron schedules, tags. */
function watchList(count: number): string {
  const lines = ['url,every,cron,tags'];
  for (let n = 1; n <= count; n++) {
    const host = `site-${n % HOSTS}.bench.example`;
    const cron = n % 10 === 0 ? `${n % 60} */6 * * *` : '';
    lines.push(`https://${host}/news/${n}-report?id=${n},${cron ? '' : EVERY[n % EVERY.length]},${cron},bench;site-${n % HOSTS}`);
  }
  return `${lines.join('\n')}\n`;
}

function importThroughCli(file: string, scratch: Scratch): Promise<ImportReport> {
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? tmpdir(),
    DATABASE_URL: scratch.databaseUrl,
    REDIS_URL: scratch.redisUrl,
    SCRUBWATCH_QUEUE_PREFIX: scratch.prefix,
    LOG_LEVEL: 'warn',
    // The address policy costs one DNS lookup per distinct host, which measures the local resolver rather than
    // the import (with no DNS answering, each lookup waits out its 5 s timeout).
    SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true',
  };
  return new Promise((resolve, reject) => {
    const child = spawn(BIN, ['targets', 'import', file, '--json'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(stdout) as ImportReport) : reject(new Error(`targets import exited with ${code}: ${stderr}`))));
  });
}

/** Bytes Redis holds under `prefix`, by key kind (job ids and target ids folded), from MEMORY USAGE of every key. */
async function redisBytes(redisUrl: string, prefix: string): Promise<Record<string, number>> {
  const redis = new Redis(redisUrl);
  const byKind: Record<string, number> = {};
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      const pipeline = redis.pipeline();
      for (const key of keys) pipeline.memory('USAGE', key, 'SAMPLES', 0);
      const sizes = (await pipeline.exec()) ?? [];
      keys.forEach((key, i) => {
        const kind = key.slice(prefix.length + 1).replace(/\d+/g, 'N');
        byKind[kind] = (byKind[kind] ?? 0) + Number(sizes[i]?.[1] ?? 0);
      });
    } while (cursor !== '0');
    return byKind;
  } finally {
    redis.disconnect();
  }
}

const total = (byKind: Record<string, number>) => Object.values(byKind).reduce((a, b) => a + b, 0);

/** What a worker start does before taking jobs (src/app/workers.ts): every target read, both queues reconciled. */
async function reconcileAll(ctx: Context): Promise<{ seconds: number; result: ReconcileResult }> {
  const started = performance.now();
  const targets = await listTargets(ctx.pool);
  const pages = await reconcileSchedules(ctx.captureQueue, targets.filter((t) => t.kind === 'page'));
  const tweets = await reconcileSchedules(ctx.tweetQueue, targets.filter((t) => t.kind === 'tweet'));
  const result = { created: pages.created + tweets.created, updated: pages.updated + tweets.updated, removed: pages.removed + tweets.removed, unchanged: pages.unchanged + tweets.unchanged };
  return { seconds: (performance.now() - started) / 1000, result };
}

export async function runScaleBench(count: number): Promise<{ figures: ScaleFigures; rows: Row[] }> {
  const scratch = await createScratch('scale');
  const file = join(tmpdir(), `${scratch.prefix}.csv`);
  let ctx: Context | undefined;
  try {
    writeFileSync(file, watchList(count));
    const importStarted = performance.now();
    const report = await importThroughCli(file, scratch);
    const importSeconds = (performance.now() - importStarted) / 1000;
    if (report.imported !== count) throw new Error(`imported ${report.imported} of ${count} targets: ${JSON.stringify(report.invalid.slice(0, 3))}`);
    const afterImport = total(await redisBytes(scratch.redisUrl, scratch.prefix)) / count;

    await deletePrefixKeys(scratch.prefix, scratch.redisUrl);
    const config = loadConfig({ DATABASE_URL: scratch.databaseUrl, REDIS_URL: scratch.redisUrl, SCRUBWATCH_QUEUE_PREFIX: scratch.prefix, LOG_LEVEL: 'warn' });
    ctx = await createContext(config, createLogger('warn'));
    const fromEmpty = await reconcileAll(ctx);
    if (fromEmpty.result.created !== count) throw new Error(`reconcile created ${fromEmpty.result.created} of ${count} schedulers`);
    const byKind = await redisBytes(scratch.redisUrl, scratch.prefix);
    const unchanged = await reconcileAll(ctx);

    const figures: ScaleFigures = {
      targets: count,
      importSeconds,
      reconcileFromEmptySeconds: fromEmpty.seconds,
      reconcileUnchangedSeconds: unchanged.seconds,
      redisBytesPerScheduledTarget: total(byKind) / count,
      redisBytesPerTargetAfterImport: afterImport,
      redisBytesByKind: byKind,
    };
    const n = count.toLocaleString('en-US');
    const rows: Row[] = [
      { measure: `import ${n} targets (CLI, CSV, wall time, no DNS)`, value: `${importSeconds.toFixed(1)} s`, target: 'seconds' },
      { measure: `reconcile ${n} schedules from empty Redis`, value: `${fromEmpty.seconds.toFixed(1)} s`, target: '< 30 s', met: fromEmpty.seconds < 30 },
      { measure: 'reconcile again, nothing to change', value: `${unchanged.seconds.toFixed(1)} s` },
      { measure: 'Redis per scheduled target', value: `${Math.round(figures.redisBytesPerScheduledTarget)} B`, target: '< 2048 B', met: figures.redisBytesPerScheduledTarget < 2048 },
      { measure: 'Redis per target after import (+ first capture)', value: `${Math.round(afterImport)} B` },
    ];
    return { figures, rows };
  } finally {
    await ctx?.close();
    rmSync(file, { force: true });
    await scratch.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const count = Number(process.env.BENCH_TARGETS ?? 10_000);
  const m = machine();
  process.stdout.write(`machine: ${describeMachine(m)}\n`);
  const { figures, rows } = await runScaleBench(count);
  printTable(`scale: ${count.toLocaleString('en-US')} targets`, rows);
  const perKind = Object.entries(figures.redisBytesByKind).sort((a, b) => b[1] - a[1]);
  process.stdout.write(`\nRedis bytes by key, per scheduled target:\n${perKind.map(([k, b]) => `  ${k.padEnd(28)} ${(b / count).toFixed(0)}`).join('\n')}\n`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = new URL('./results/scale.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, scale: figures, markdown: markdownTable(rows) }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${out.pathname}\n`);
}
