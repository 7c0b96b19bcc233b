/**
 * The capture benchmark (part of `npm run bench`): on a local fixture site of N article pages (~30 KB of text,
 * three photos, an embedded tweet), side by side — the bare-Playwright floor, scrubwatch's first pass and
 * unchanged pass through the real queue, worker, store and classifier, the same with two worker processes, and
 * the plain-HTTP fetcher. Not a test: it prints figures.
 */
import { loadConfig, type Config } from '../src/config.ts';
import { captureRequestFor } from '../src/capture/capture-request.ts';
import { targetOptionsSchema } from '../src/targets/target-input.ts';
import { createLogger } from '../src/logger.ts';
import { createContext } from '../src/context.ts';
import { addTarget } from '../src/targets/manage-targets.ts';
import { fetchHttp } from '../src/capture/fetch-http.ts';
import type { Target } from '../src/db/targets.ts';
import { startArticleSite } from './lib/article-site.ts';
import { floorPagesPerSecond } from './floor.ts';
import { createScratch } from './lib/scratch.ts';
import { passThroughQueue } from './lib/queue-pass.ts';
import { storedBytes } from './lib/stored-bytes.ts';
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

    workers.push(await startWorker(env));
    const rss = sampleTreePss(workers[0]!.pid);
    process.stdout.write('[bench] first pass\n');
    const first = await passThroughQueue(ctx, targets);
    const before = await storedBytes(scratch.pool);
    process.stdout.write('[bench] unchanged pass\n');
    const unchanged = await passThroughQueue(ctx, targets);
    const after = await storedBytes(scratch.pool);
    const memory = await rss.stop();

    workers.push(await startWorker(env));
    process.stdout.write('[bench] unchanged pass, two workers\n');
    const two = await passThroughQueue(ctx, targets);
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
