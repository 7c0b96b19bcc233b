/**
 * `npm run bench:sources`: one read of a 50,000-URL sitemap served locally (BENCH_SITEMAP_URLS) and one of a
 * 10,000-row CDX answer from the fake Wayback (BENCH_CDX_ROWS), each read, diffed against what is watched and
 * scheduled (captures excluded: no worker runs), through the real discover path (runSource). Then the same
 * sitemap's pages applied again (all already watched), and the apply step alone from an in-memory stream, which
 * says how much of a read is the reader's. Seconds and the process's peak RSS for each. Runs on a database and
 * queue prefix of its own, dropped after; writes bench/results/sources.json. Not a test: it prints figures.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { loadConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createContext, type Context } from '../src/context.ts';
import { addSource } from '../src/sources/manage-sources.ts';
import { runSource } from '../src/sources/run-source.ts';
import type { Discovered } from '../src/sources/discovered.ts';
import type { SourceRunResult } from '../src/sources/source-model.ts';
import { startFakeWayback, type FakeWayback } from '../test/helpers/wayback.ts';
import { createScratch } from './lib/scratch.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { markdownTable, printTable, type Row } from './lib/table.ts';

/** The bound on each read. */
const LIMIT_SECONDS = 60;

export interface SourceReadFigure {
  what: string;
  pages: number;
  seconds: number;
  peakRssMiB: number;
  /** RSS when the read began: the peak less this is what the read itself held. */
  startRssMiB: number;
  result: SourceRunResult;
}

/** A sitemap of `count` URLs, written as it is sent (never held whole), with a lastmod each. */
function serveSitemap(count: number): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url === '/robots.txt') return void res.writeHead(200, { 'content-type': 'text/plain' }).end('User-agent: *\nAllow: /\n');
    if (req.url !== '/sitemap.xml') return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/xml' });
    res.write('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n');
    let n = 0;
    const more = (): void => {
      while (n < count) {
        const day = String((n % 28) + 1).padStart(2, '0');
        const ok = res.write(`<url><loc>http://127.0.0.1:${(server.address() as AddressInfo).port}/media-room/article/${n}-flintlock-report</loc><lastmod>2019-02-${day}</lastmod></url>\n`);
        n += 1;
        if (!ok) return void res.once('drain', more);
      }
      res.end('</urlset>\n');
    };
    more();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sitemap.xml` })));
}

/** Runs `fn`, sampling the process's RSS every 50 ms: its seconds and the highest RSS seen. */
async function measured<T>(fn: () => Promise<T>): Promise<{ value: T; seconds: number; peakRssMiB: number; startRssMiB: number }> {
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 50);
  const started = performance.now();
  try {
    const value = await fn();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, seconds: (performance.now() - started) / 1000, peakRssMiB: peak / 1024 / 1024, startRssMiB: start / 1024 / 1024 };
  } finally {
    clearInterval(timer);
  }
}

async function read(ctx: Context, what: string, sourceId: number, pages: number, items?: AsyncIterable<Discovered>): Promise<SourceReadFigure> {
  const run = await measured(() => runSource(ctx, sourceId, `bench-${sourceId}-${Date.now()}`, 'manual', items));
  if (!run.value) throw new Error(`source ${sourceId} is gone`);
  if (run.value.problems.length > 0) process.stdout.write(`${what}: problems ${JSON.stringify(run.value.problems.slice(0, 3))}\n`);
  return { what, pages, seconds: run.seconds, peakRssMiB: run.peakRssMiB, startRssMiB: run.startRssMiB, result: run.value };
}

async function* pagesOf(base: string, count: number): AsyncGenerator<Discovered> {
  for (let n = 0; n < count; n++) yield { type: 'page', url: `${base}/${n}`, lastmod: null };
}

export async function runSourcesBench(sitemapUrls: number, cdxRows: number): Promise<{ figures: SourceReadFigure[]; rows: Row[] }> {
  const scratch = await createScratch('sources');
  let ctx: Context | undefined;
  let site: Server | undefined;
  let wayback: FakeWayback | undefined;
  try {
    const sitemap = await serveSitemap(sitemapUrls);
    site = sitemap.server;
    wayback = await startFakeWayback();
    // Every fourth URL archived twice: rows = cdxRows, over four fifths as many URLs, the newest copy of each kept.
    const archivedUrls = Math.floor((cdxRows * 4) / 5);
    for (let n = 0; n < archivedUrls; n++) {
      const day = String((n % 28) + 1).padStart(2, '0');
      wayback.copies.push({ url: `https://www.africom.mil/media-room/article/${n}`, timestamp: `201902${day}120000` });
      if (n % 4 === 0) wayback.copies.push({ url: `https://www.africom.mil/media-room/article/${n}`, timestamp: `202008${day}120000` });
    }
    const config = loadConfig({
      DATABASE_URL: scratch.databaseUrl,
      REDIS_URL: scratch.redisUrl,
      SCRUBWATCH_QUEUE_PREFIX: scratch.prefix,
      LOG_LEVEL: 'warn',
      SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true',
      SCRUBWATCH_HOST_GAP: '0s',
      SCRUBWATCH_WAYBACK_CDX_URL: `${wayback.url}/cdx/search/cdx`,
      SCRUBWATCH_WAYBACK_REPLAY_URL: wayback.url,
    });
    ctx = await createContext(config, createLogger('warn'));
    const sm = await addSource(ctx, { url: sitemap.url, kind: 'sitemap', maxTargets: 1_000_000 });
    const ar = await addSource(ctx, { url: 'https://www.africom.mil/media-room/article/', kind: 'archive', maxTargets: 1_000_000 });
    const synthetic = await addSource(ctx, { url: 'http://127.0.0.1:9/synthetic.xml', kind: 'sitemap', maxTargets: 1_000_000 });
    const figures = [
      await read(ctx, `sitemap of ${sitemapUrls.toLocaleString('en-US')} URLs, first read`, sm.id, sitemapUrls),
      await read(ctx, 'the same sitemap again, every page already watched', sm.id, sitemapUrls),
      await read(ctx, `CDX answer of ${wayback.copies.length.toLocaleString('en-US')} rows, ${archivedUrls.toLocaleString('en-US')} URLs (archive source), first read`, ar.id, archivedUrls),
      await read(ctx, `apply alone: ${sitemapUrls.toLocaleString('en-US')} pages from memory, no reader`, synthetic.id, sitemapUrls, pagesOf('http://127.0.0.1:9/synthetic', sitemapUrls)),
    ];
    const rows: Row[] = figures.flatMap((f) => [
      { measure: `${f.what}: read + diff + schedule`, value: `${f.seconds.toFixed(1)} s (added ${f.result.added}, watched ${f.result.alreadyWatched})`, target: `< ${LIMIT_SECONDS} s`, met: f.seconds < LIMIT_SECONDS && f.result.discovered === f.pages },
      { measure: `${f.what}: peak RSS (at start)`, value: `${f.peakRssMiB.toFixed(0)} MiB (${f.startRssMiB.toFixed(0)} MiB)` },
    ]);
    return { figures, rows };
  } finally {
    await ctx?.close();
    await wayback?.close();
    site?.closeAllConnections();
    site?.close();
    await scratch.drop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const sitemapUrls = Number(process.env.BENCH_SITEMAP_URLS ?? 50_000);
  const cdxRows = Number(process.env.BENCH_CDX_ROWS ?? 10_000);
  const m = machine();
  process.stdout.write(`machine: ${describeMachine(m)}\n`);
  const { figures, rows } = await runSourcesBench(sitemapUrls, cdxRows);
  printTable('sources: read, diffed and scheduled (captures excluded)', rows);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = new URL('./results/sources.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, sources: figures, markdown: markdownTable(rows) }, null, 2)}\n`);
  process.stdout.write(`\nwritten to ${out.pathname}\n`);
}
