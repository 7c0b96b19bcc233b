/**
 * The browser tier against the floor (`npm run bench:browser`): the same fixture articles (~30 KB of text, three
 * photos, an embedded tweet) loaded by the bare-Playwright floor (one browser, one reused page: goto to the load
 * event, content(), innerText, a height-capped full-page PNG) and by scrubwatch's `capturePage` as first captures
 * (a fresh context per capture, egress proxy, settle, lazy photos, reading, screenshot, media, recording), the
 * order alternating page by page and round by round. Not a test: it prints the median milliseconds per page of
 * each and their ratio (BENCH_BROWSER_PAGES, default 10; BENCH_BROWSER_ROUNDS, default 3).
 */
import { chromium, type Page } from 'playwright';
import { pino } from 'pino';
import { loadConfig } from '../src/config.ts';
import { captureRequestFor } from '../src/capture/capture-request.ts';
import { captureTarget } from '../src/capture/capture.ts';
import { createBrowserHost, findChromium } from '../src/capture/browser.ts';
import { targetOptionsSchema } from '../src/targets/target-input.ts';
import { createLogger } from '../src/logger.ts';
import { startArticleSite } from './lib/article-site.ts';
import { floorPage } from './floor.ts';
import { printReport, type Row } from './lib/table.ts';

const PAGES = Number(process.env.BENCH_BROWSER_PAGES ?? 10);
const ROUNDS = Number(process.env.BENCH_BROWSER_ROUNDS ?? 3);

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

/** One page the floor's way, on its one reused page; milliseconds. */
async function floorOnce(page: Page, url: string, maxHeight: number): Promise<number> {
  const started = performance.now();
  await floorPage(page, url, maxHeight);
  return performance.now() - started;
}

async function main(): Promise<void> {
  const { site, urls } = await startArticleSite(PAGES);
  const config = loadConfig({ ...process.env, SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true', LOG_LEVEL: 'warn' });
  const logger = createLogger('warn', { pretty: false });
  const host = createBrowserHost(config, logger);
  // Each capture's debug line 'capture timings' says where its time went, phase by phase.
  const phases = new Map<string, number[]>();
  const captureLogger = pino({ level: 'debug' }, {
    write(line: string) {
      const entry = JSON.parse(line) as { msg?: string; timings?: Record<string, number> };
      if (entry.msg !== 'capture timings' || !entry.timings) return;
      for (const [phase, ms] of Object.entries(entry.timings)) phases.set(phase, [...(phases.get(phase) ?? []), ms]);
    },
  });
  const floorBrowser = await chromium.launch({
    executablePath: findChromium(config.chromiumPath).path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    const floorPage = await (await floorBrowser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const capture = async (url: string): Promise<number> => {
      const { request, limits } = captureRequestFor({ url, fetcher: 'browser', options: targetOptionsSchema.parse({}) }, config);
      const started = performance.now();
      const result = await captureTarget(host, request, limits, captureLogger);
      const ms = performance.now() - started;
      if (result.error) throw new Error(`capture of ${url} failed: ${result.error.message}`);
      if (!result.screenshot) throw new Error(`capture of ${url} took no screenshot`);
      return ms;
    };
    // Both browsers launched and warm, outside the figures.
    await floorOnce(floorPage, urls[0]!, config.screenshotMaxHeight);
    await capture(urls[0]!);
    phases.clear();
    process.stdout.write(`[bench] ${PAGES} pages × ${ROUNDS} rounds, floor and first capture side by side\n`);
    const floor: number[] = [];
    const captures: number[] = [];
    const ratios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const f: number[] = [];
      const c: number[] = [];
      for (const [i, url] of urls.entries()) {
        for (const which of (i + r) % 2 === 0 ? ['floor', 'capture'] : ['capture', 'floor']) {
          if (which === 'floor') f.push(await floorOnce(floorPage, url, config.screenshotMaxHeight));
          else c.push(await capture(url));
        }
      }
      floor.push(...f);
      captures.push(...c);
      ratios.push(median(c) / median(f));
      process.stdout.write(`[bench] round ${r + 1}: floor ${Math.round(median(f))} ms, capture ${Math.round(median(c))} ms, ${round(median(c) / median(f))}×\n`);
    }
    const ratio = median(ratios);
    const rows: Row[] = [
      { measure: 'floor, median ms per page', value: `${Math.round(median(floor))} ms` },
      { measure: 'first capture (capturePage), median ms per page', value: `${Math.round(median(captures))} ms` },
      { measure: `first capture ÷ floor, median of ${ROUNDS} rounds`, value: `${round(ratio)}×`, target: '≤ 1.25×', met: ratio <= 1.25 },
    ];
    for (const [phase, ms] of phases) rows.push({ measure: `  capture phase: ${phase}, median`, value: `${Math.round(median(ms))} ms` });
    printReport('the browser tier against the floor', rows);
  } finally {
    await floorBrowser.close();
    await host.close();
    await site.close();
  }
}

await main();
