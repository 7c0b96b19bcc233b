/**
 * The capture benchmark (part of `npm run bench`): on a local fixture site of N article pages (~30 KB of text,
 * three photos, an embedded tweet), side by side — the bare-Playwright floor, scrubwatch's first pass and
 * unchanged pass through the real queue, worker, store and classifier, the same with two worker processes, and
 * the plain-HTTP fetcher. Not a test: it prints figures.
 */
import { loadConfig, type Config } from '../src/config.ts';
import { captureRequestFor } from '../src/capture/limits.ts';
import { targetOptionsSchema } from '../src/targets/target-input.ts';
import { createLogger } from '../src/logger.ts';
import { createContext, type Context } from '../src/context.ts';
import { addTarget } from '../src/targets/manage-targets.ts';
import { checkThroughQueue } from '../src/checks/check-now.ts';
import { fetchHttp } from '../src/capture/fetch-http.ts';
import type { Target } from '../src/db/targets.ts';
import { startArticleSite } from './lib/article-site.ts';
import { floorPagesPerSecond } from './floor.ts';
import { createScratch, type Scratch } from './lib/scratch.ts';
import { sampleTreePss } from './lib/process-tree.ts';
import { startWorker, type WorkerProcess } from './lib/workers.ts';
import type { Row } from './lib/table.ts';

export interface CaptureFigures {
  pages: number;
  concurrency: number;
  floorPagesPerSecond: number;
  firstPassPagesPerSecond: number;
  unchangedPagesPerSecond: number;
  twoWorkersPagesPerSecond: number;
  unchangedBytesPerCheck: number;
  unchangedRelationBytesPerCheck: number;
  httpPagesPerSecond: number;
  workerPeakPssMiB: number;
}

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function waitForWorkers(ctx: Context, count: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    if ((await ctx.captureQueue.getWorkersCount()) >= count) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${count} worker(s) did not start within a minute`);
}

/** Checks every target once through the queue; pages per second. */
async function pass(ctx: Context, targets: Target[]): Promise<number> {
  const started = performance.now();
  const results = await checkThroughQueue(ctx, targets, 30 * 60_000, () => undefined);
  const failed = results.filter((r) => r.snapshot.error !== null);
  if (failed.length) throw new Error(`${failed.length} captures failed, e.g. ${JSON.stringify(failed[0]!.snapshot.error)}`);
  return targets.length / ((performance.now() - started) / 1000);
}

/** Logical bytes of the rows and blobs stored (snapshot rows and change rows also apart), and the tables' size on disk. */
async function storedBytes(scratch: Scratch): Promise<{ rows: number; snapshots: number; changes: number; relations: number }> {
  const { rows } = await scratch.pool.query<{ snapshots: string; changes: string; other: string; relations: string }>(
    `select (select coalesce(sum(pg_column_size(s.*)), 0) from snapshots s) as snapshots,
            (select coalesce(sum(pg_column_size(c.*)), 0) from changes c) as changes,
            (select coalesce(sum(pg_column_size(a.*)), 0) from alerts a)
          + (select coalesce(sum(pg_column_size(t.*)), 0) from target_states t)
          + (select coalesce(sum(size), 0) from blobs) as other,
            (select sum(pg_total_relation_size(c.oid)) from pg_class c join pg_namespace n on n.oid = c.relnamespace
              where n.nspname = 'public' and c.relkind = 'r') as relations`,
  );
  const r = rows[0]!;
  const [snapshots, changes, other] = [Number(r.snapshots), Number(r.changes), Number(r.other)];
  return { rows: snapshots + changes + other, snapshots, changes, relations: Number(r.relations) };
}

/** The plain-HTTP fetcher on every page three times, `lanes` at once; pages per second. */
function fetchRate(config: Config, urls: string[], lanes: number): Promise<number> {
  const logger = createLogger('silent', { pretty: false });
  const queue = [...urls, ...urls, ...urls];
  const total = queue.length;
  const started = performance.now();
  return Promise.all(
    Array.from({ length: lanes }, async () => {
      for (let url = queue.shift(); url; url = queue.shift()) {
        const { request, limits } = captureRequestFor({ url, fetcher: 'http', options: targetOptionsSchema.parse({}) }, config);
        const result = await fetchHttp(request, limits, logger);
        if (result.error) throw new Error(`plain-HTTP fetch of ${url} failed: ${result.error.message}`);
      }
    }),
  ).then(() => total / ((performance.now() - started) / 1000));
}

export async function runCaptureBench(pages: number): Promise<{ figures: CaptureFigures; rows: Row[] }> {
  const { site, urls } = await startArticleSite(pages);
  const scratch = await createScratch('capture');
  const env = {
    DATABASE_URL: scratch.databaseUrl,
    REDIS_URL: scratch.redisUrl,
    SCRUBWATCH_QUEUE_PREFIX: scratch.prefix,
    SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true',
    // Every fixture page is on one host: politeness would measure the per-host gap, not the capture.
    SCRUBWATCH_HOST_CONCURRENCY: '64',
    SCRUBWATCH_HOST_GAP: '0s',
    LOG_LEVEL: 'warn',
  };
  const config = loadConfig({ ...process.env, ...env });
  const ctx = await createContext(config, createLogger('warn', { pretty: false }));
  const workers: WorkerProcess[] = [];
  try {
    process.stdout.write(`[bench] floor: ${pages} pages, ${config.concurrency} lanes\n`);
    const floor = await floorPagesPerSecond(urls, config.concurrency, config.screenshotMaxHeight);

    const targets: Target[] = [];
    for (const url of urls) targets.push(await addTarget(ctx, { url, every: '30d' }));
    // The bench times its own passes: the targets' first captures must not run beside them.
    for (const t of targets) await ctx.captureQueue.remove(`first-${t.id}`);

    workers.push(startWorker(env));
    await waitForWorkers(ctx, 1);
    const rss = sampleTreePss(workers[0]!.pid);
    process.stdout.write('[bench] first pass\n');
    const first = await pass(ctx, targets);
    const before = await storedBytes(scratch);
    process.stdout.write('[bench] unchanged pass\n');
    const unchanged = await pass(ctx, targets);
    const after = await storedBytes(scratch);
    const memory = await rss.stop();

    workers.push(startWorker(env));
    await waitForWorkers(ctx, 2);
    process.stdout.write('[bench] unchanged pass, two workers\n');
    const two = await pass(ctx, targets);
    for (const w of workers.splice(0)) await w.stop();

    process.stdout.write('[bench] plain-HTTP fetcher\n');
    const http = await fetchRate(config, urls, 8);

    const figures: CaptureFigures = {
      pages,
      concurrency: config.concurrency,
      floorPagesPerSecond: round(floor, 2),
      firstPassPagesPerSecond: round(first, 2),
      unchangedPagesPerSecond: round(unchanged, 2),
      twoWorkersPagesPerSecond: round(two, 2),
      unchangedBytesPerCheck: Math.round((after.rows - before.rows) / pages),
      unchangedRelationBytesPerCheck: Math.round((after.relations - before.relations) / pages),
      httpPagesPerSecond: round(http, 1),
      workerPeakPssMiB: Math.round(memory.peak / 2 ** 20),
    };
    const ratio = (rate: number) => round(floor / rate, 2);
    const rows: Row[] = [
      { measure: `floor: bare Playwright, ${config.concurrency} pages at once`, value: `${figures.floorPagesPerSecond} pages/s` },
      { measure: 'first pass (check --all through queue + worker)', value: `${figures.firstPassPagesPerSecond} pages/s, ${ratio(first)}× floor time`, target: '≤ 1.25× floor time', met: ratio(first) <= 1.25 },
      { measure: 'unchanged pass', value: `${figures.unchangedPagesPerSecond} pages/s, ${ratio(unchanged)}× floor time`, target: '≤ 0.5× floor time', met: ratio(unchanged) <= 0.5 },
      { measure: 'bytes added to Postgres per unchanged check (rows)', value: `${figures.unchangedBytesPerCheck} B`, target: '< 1 KB', met: figures.unchangedBytesPerCheck < 1024 },
      { measure: '  of which the snapshot row / the change row', value: `${Math.round((after.snapshots - before.snapshots) / pages)} B / ${Math.round((after.changes - before.changes) / pages)} B` },
      { measure: 'same, tables and indexes on disk', value: `${figures.unchangedRelationBytesPerCheck} B` },
      { measure: 'unchanged pass, 2 worker processes', value: `${figures.twoWorkersPagesPerSecond} pages/s, ${round(two / unchanged, 2)}× one`, target: '≥ 1.5× one', met: two / unchanged >= 1.5 },
      { measure: 'plain-HTTP fetcher, 8 at once', value: `${figures.httpPagesPerSecond} pages/s`, target: '≥ 100 pages/s', met: http >= 100 },
      { measure: 'worker + browser peak memory (PSS) over both passes', value: `${figures.workerPeakPssMiB} MiB` },
    ];
    return { figures, rows };
  } finally {
    for (const w of workers) await w.stop();
    await ctx.close();
    await site.close();
    await scratch.drop();
  }
}
