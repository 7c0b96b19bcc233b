/**
 * Issue 23's reconcile figure (part of `npm run bench`): BENCH_RECONCILE_TARGETS targets (default 100,000) stored
 * through insertTargets in batches, the queue prefix wiped as a Redis FLUSHALL would, and every schedule restored
 * from Postgres as a worker does after a Redis loss (reconcileTargetSchedules) — timed `runs` times, each from an
 * empty prefix. Runs on a database and queue prefix of its own, dropped after. Not a test: it prints figures.
 */
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createContext, type Context } from '../src/context.ts';
import { insertTargets } from '../src/db/targets.ts';
import { reconcileTargetSchedules } from '../src/queue/schedules.ts';
import { targetOptionsSchema } from '../src/targets/target-input.ts';
import type { NewTarget } from '../src/target-model/new-target.ts';
import { deletePrefixKeys } from '../test/helpers/queue-prefix.ts';
import { createScratch } from './lib/scratch.ts';
import { median } from './lib/median.ts';

const HOSTS = 100;
const EVERY = ['1h', '6h', '6h', '1d'];
const INSERT_BATCH = 5_000;

export interface ReconcileFigures {
  targets: number;
  /** Seconds each timed restore took, in run order. */
  seconds: number[];
  medianSeconds: number;
}

/** Target n of a newsroom-like watch list: a hundred sites, mixed intervals, one in ten on a cron schedule. */
function benchTarget(n: number): NewTarget {
  const host = `site-${n % HOSTS}.bench.example`;
  const schedule = n % 10 === 0 ? { cron: `${n % 60} */6 * * *` } : { every: EVERY[n % EVERY.length]! };
  return { kind: 'page', url: `https://${host}/news/${n}-report?id=${n}`, tweetId: null, name: null, tags: ['bench'], schedule, fetcher: 'browser', options: targetOptionsSchema.parse({}) };
}

export async function runReconcileBench(count: number, runs: number): Promise<ReconcileFigures> {
  const scratch = await createScratch('reconcile');
  let ctx: Context | undefined;
  try {
    for (let start = 1; start <= count; start += INSERT_BATCH) {
      const batch = Array.from({ length: Math.min(INSERT_BATCH, count - start + 1) }, (_, i) => benchTarget(start + i));
      await insertTargets(scratch.pool, batch);
    }
    const config = loadConfig({ DATABASE_URL: scratch.databaseUrl, REDIS_URL: scratch.redisUrl, SCRUBWATCH_QUEUE_PREFIX: scratch.prefix, LOG_LEVEL: 'warn' });
    ctx = await createContext(config, createLogger('warn', { pretty: false }));
    const seconds: number[] = [];
    for (let run = 1; run <= runs; run++) {
      await deletePrefixKeys(scratch.prefix, scratch.redisUrl);
      const started = performance.now();
      const result = await reconcileTargetSchedules(ctx.pool, ctx);
      seconds.push((performance.now() - started) / 1000);
      if (result.created !== count) throw new Error(`reconcile after the wipe created ${result.created} of ${count} schedulers`);
      process.stdout.write(`[bench] reconcile ${count} targets, run ${run}: ${seconds.at(-1)!.toFixed(1)} s\n`);
    }
    return { targets: count, seconds, medianSeconds: median(seconds) };
  } finally {
    await ctx?.close();
    await scratch.drop();
  }
}
