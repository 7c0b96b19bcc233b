/**
 * What recording the HTTP exchanges costs (`npm run bench:recording`): the same fixture articles (~30 KB of text,
 * three photos, an embedded tweet) captured in the browser with recording on and off side by side — alternating
 * which goes first, page by page — on a first capture (every body read) and on an unchanged check (none read);
 * then through the real capture job and store, the Postgres bytes one unchanged check adds, and what a recorded
 * first capture adds. Not a test: it prints figures (BENCH_RECORDING_PAGES, default 20).
 */
import { loadConfig } from '../src/config.ts';
import { captureRequestFor } from '../src/capture/capture-request.ts';
import { captureTarget } from '../src/capture/capture.ts';
import { targetOptionsSchema } from '../src/targets/target-input.ts';
import { createLogger } from '../src/logger.ts';
import { createContext, type Context } from '../src/context.ts';
import { addTarget } from '../src/targets/manage-targets.ts';
import { runCapture } from '../src/watch/capture-target.ts';
import { fingerprint } from '../src/detect/snapshot-content.ts';
import { startArticleSite } from './lib/article-site.ts';
import { createScratch } from './lib/scratch.ts';
import { storedBytes } from './lib/stored-bytes.ts';
import { printReport, type Row } from './lib/table.ts';

const PAGES = Number(process.env.BENCH_RECORDING_PAGES ?? 20);
const ROUNDS = 2;

const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

interface SideBySide {
  on: number[];
  off: number[];
  /** Each page's fingerprint, as its first capture read it: what an unchanged check is told. */
  prints: Map<string, string>;
}

/**
 * Capture milliseconds of each page with recording on and off, the order alternating page by page and round by
 * round; with `prints`, as unchanged checks told those fingerprints.
 */
async function sideBySide(ctx: Context, urls: string[], prints?: Map<string, string>): Promise<SideBySide> {
  const out: SideBySide = { on: [], off: [], prints: new Map() };
  for (let r = 0; r < ROUNDS; r++) {
    for (const [i, url] of urls.entries()) {
      const { request, limits } = captureRequestFor({ url, fetcher: 'browser', options: targetOptionsSchema.parse({}) }, ctx.config);
      request.unchangedFrom = prints?.get(url);
      for (const record of (i + r) % 2 === 0 ? [true, false] : [false, true]) {
        const result = await captureTarget(ctx.browser, { ...request, record }, limits, ctx.logger);
        if (result.error) throw new Error(`capture of ${url} failed: ${result.error.message}`);
        if ((prints !== undefined) !== (result.sameAs !== undefined)) throw new Error(`capture of ${url} did not read as ${prints ? 'unchanged' : 'changed'}`);
        if (record && !prints && !result.recording?.exchanges.length) throw new Error(`capture of ${url} recorded nothing`);
        (record ? out.on : out.off).push(result.durationMs);
        out.prints.set(url, fingerprint({ status: result.status, finalUrl: result.finalUrl, errorCode: null, facts: result.facts }));
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const { site, urls } = await startArticleSite(PAGES);
  const scratch = await createScratch('recording');
  const env = { DATABASE_URL: scratch.databaseUrl, REDIS_URL: scratch.redisUrl, SCRUBWATCH_QUEUE_PREFIX: scratch.prefix, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn' };
  const config = loadConfig({ ...process.env, ...env });
  const ctx = await createContext(config, createLogger('warn', { pretty: false }));
  try {
    process.stdout.write(`[bench] ${PAGES} pages × ${ROUNDS} rounds, recording on and off side by side\n`);
    // A first capture launches the browser, outside the figures.
    const warm = captureRequestFor({ url: urls[0]!, fetcher: 'browser', options: targetOptionsSchema.parse({}) }, config);
    await captureTarget(ctx.browser, warm.request, warm.limits, ctx.logger);
    const first = await sideBySide(ctx, urls);
    process.stdout.write(`[bench] first captures, median ms on / off: ${median(first.on)} / ${median(first.off)}\n`);
    const recheck = await sideBySide(ctx, urls, first.prints);
    process.stdout.write(`[bench] unchanged checks, median ms on / off: ${median(recheck.on)} / ${median(recheck.off)}\n`);

    process.stdout.write('[bench] through the capture job and store\n');
    const targets = [];
    for (const url of urls) targets.push(await addTarget(ctx, { url, every: '30d' }));
    const empty = await storedBytes(scratch.pool);
    for (const t of targets) await runCapture(ctx, t.id, `bench-first-${t.id}`);
    const afterFirst = await storedBytes(scratch.pool);
    for (const t of targets) await runCapture(ctx, t.id, `bench-again-${t.id}`);
    const afterAgain = await storedBytes(scratch.pool);

    const overhead = (s: SideBySide) => (median(s.on) - median(s.off)) / median(s.off);
    const perPage = (n: number) => Math.round(n / PAGES);
    const rows: Row[] = [
      { measure: 'first capture, median ms: recording on / off', value: `${median(first.on)} / ${median(first.off)} ms` },
      { measure: 'first capture, time added by recording', value: `${round(overhead(first) * 100)} %`, target: '≤ 10 %', met: overhead(first) <= 0.1 },
      { measure: 'unchanged check, median ms: recording on / off', value: `${median(recheck.on)} / ${median(recheck.off)} ms` },
      { measure: 'unchanged check, time added by recording', value: `${round(overhead(recheck) * 100)} %`, target: '≤ 10 %', met: overhead(recheck) <= 0.1 },
      { measure: 'first capture: recording row + its bodies stored', value: `${perPage(afterFirst.exchanges)} B + ${perPage(afterFirst.exchangeBodies)} B per page` },
      { measure: 'bytes added to Postgres per unchanged check (rows)', value: `${perPage(afterAgain.rows - afterFirst.rows)} B`, target: 'as without recording (< 1 KB)', met: afterAgain.rows - afterFirst.rows < 1024 * PAGES },
      { measure: '  of which recording rows and bodies', value: `${perPage(afterAgain.exchanges - afterFirst.exchanges + afterAgain.exchangeBodies - afterFirst.exchangeBodies)} B`, target: '0 B', met: afterAgain.exchanges === afterFirst.exchanges && afterAgain.exchangeBodies === afterFirst.exchangeBodies },
    ];
    if (empty.exchanges !== 0) throw new Error('the scratch database was not empty');
    printReport('recording the HTTP exchanges', rows);
  } finally {
    await ctx.close();
    await site.close();
    await scratch.drop();
  }
}

await main();
