import type { Pool } from '../../src/db/pool.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createContext, type Context } from '../../src/context.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import type { Target } from '../../src/db/targets.ts';
import { startDnsServer, type TestDnsServer } from '../../test/helpers/dns-server.ts';
import { benchArticle, scriptArticleHtml } from './article-site.ts';
import { floorPagesPerSecond } from '../floor.ts';
import { createScratch, type Scratch } from './scratch.ts';
import { passThroughQueue } from './queue-pass.ts';
import { storedBytes } from './stored-bytes.ts';
import { startWorker, type WorkerProcess } from './workers.ts';

/** Every page of the bench is on a host of its own under this domain, answered by the bench's own DNS server. */
const DOMAIN = 'bench.sw.test';
/** Escalations that are right on a page known unchanged: its periodic full capture, a script-dependent page. */
const EXPECTED_ON_UNCHANGED = new Set(['periodic', 'script_dependent', 'first']);

/** Checks of one pass, counted by the tier that answered and, for those sent to the browser, why. */
export interface PassTiers {
  tiers: Record<string, number>;
  escalations: Record<string, number>;
}

/** One run of the issue-23 measurements: the floor and scrubwatch's passes on the same pages, side by side. */
export interface SiteScaleRun {
  pages: number;
  changedPages: number;
  scriptPages: number;
  /** Seconds per page of the bare Playwright loop (one browser, one reused page). */
  floorSecondsPerPage: number;
  /** Seconds of the whole machine per check (a pass's wall time over its checks), by kind of check. */
  firstSecondsPerCheck: number;
  unchangedSecondsPerCheck: number;
  changedSecondsPerCheck: number;
  scriptSecondsPerCheck: number;
  unchangedBytesPerCheck: number;
  /** Tiers and escalations of the unchanged, changed and script-dependent passes. */
  passes: Record<'unchanged' | 'changed' | 'script', PassTiers>;
  /** Checks of pages known unchanged (the unchanged and script-dependent passes) that went to the browser for a reason other than EXPECTED_ON_UNCHANGED. */
  falseEscalations: number;
}

export interface SiteScaleSizes {
  pages: number;
  changedPages: number;
  scriptPages: number;
}

const hostOf = (name: string) => `${name}.${DOMAIN}`;

async function maxSnapshotId(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ id: string | null }>('select max(id) as id from snapshots');
  return Number(rows[0]?.id ?? 0);
}

/** Tiers and escalation reasons of the snapshots stored after `afterId`, from the columns sql/014 added. */
async function tiersSince(pool: Pool, afterId: number): Promise<PassTiers> {
  const { rows } = await pool.query<{ tier: string; escalation: string | null; n: string }>(
    'select tier, escalation, count(*) as n from snapshots where id > $1 group by tier, escalation',
    [afterId],
  );
  const out: PassTiers = { tiers: {}, escalations: {} };
  for (const r of rows) {
    out.tiers[r.tier] = (out.tiers[r.tier] ?? 0) + Number(r.n);
    if (r.escalation !== null) out.escalations[r.escalation] = (out.escalations[r.escalation] ?? 0) + Number(r.n);
  }
  return out;
}

/** A pass through the queue and worker, and what it stored: seconds per check and its tiers. */
async function timedPass(ctx: Context, targets: Target[]): Promise<{ secondsPerCheck: number; tiers: PassTiers }> {
  const before = await maxSnapshotId(ctx.pool);
  const rate = await passThroughQueue(ctx, targets);
  return { secondsPerCheck: 1 / rate, tiers: await tiersSince(ctx.pool, before) };
}

const falseOn = (t: PassTiers) => Object.entries(t.escalations).reduce((n, [reason, count]) => n + (EXPECTED_ON_UNCHANGED.has(reason) ? 0 : count), 0);

/**
 * One run: a fixture site of `pages` static articles and `scriptPages` script-rendered ones, each on a host of
 * its own; the floor over the static ones; then scrubwatch through a real worker — first captures, an unchanged
 * pass, a pass over `changedPages` with a paragraph cut, and a pass over the unchanged script-rendered pages.
 */
export async function measureSiteScaleRun(sizes: SiteScaleSizes): Promise<SiteScaleRun> {
  let site: FixtureSite | undefined;
  let dns: TestDnsServer | undefined;
  let scratch: Scratch | undefined;
  let ctx: Context | undefined;
  let worker: WorkerProcess | undefined;
  try {
    site = await startFixtureSite();
    dns = await startDnsServer();
    scratch = await createScratch('sitescale');
    const port = new URL(site.origin).port;
    const urlOf = (name: string, path: string) => {
      dns!.set(hostOf(name), { answers: ['127.0.0.1'] });
      return `http://${hostOf(name)}:${port}${path}`;
    };
    const staticUrls: string[] = [];
    for (let n = 1; n <= sizes.pages; n++) {
      site.article(`/news/report-${n}`, benchArticle(n));
      staticUrls.push(urlOf(`report-${n}`, `/news/report-${n}`));
    }
    const scriptUrls: string[] = [];
    for (let n = 1; n <= sizes.scriptPages; n++) {
      site.html(`/live/story-${n}`, scriptArticleHtml(10_000 + n));
      scriptUrls.push(urlOf(`story-${n}`, `/live/story-${n}`));
    }
    const env = {
      DATABASE_URL: scratch.databaseUrl,
      REDIS_URL: scratch.redisUrl,
      SCRUBWATCH_QUEUE_PREFIX: scratch.prefix,
      // Only the loopback the fixture site listens on; the politeness gate keeps its defaults, one page per host.
      SCRUBWATCH_ALLOWED_NETWORKS: '127.0.0.0/8',
      SCRUBWATCH_DNS_SERVERS: dns.address,
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig({ ...process.env, ...env });
    ctx = await createContext(config, createLogger('warn', { pretty: false }));

    process.stdout.write(`[bench] floor: ${sizes.pages} pages, one page reused\n`);
    const floor = await floorPagesPerSecond(staticUrls, 1, config.screenshotMaxHeight, [`--host-resolver-rules=MAP *.${DOMAIN} 127.0.0.1`]);

    const add = async (urls: string[]) => {
      const targets: Target[] = [];
      for (const url of urls) targets.push(await addTarget(ctx!, { url, every: '30d' }));
      // The bench times its own passes: the targets' first captures must not run beside them.
      for (const t of targets) await ctx!.captureQueue.remove(`first-${t.id}`);
      return targets;
    };
    const statics = await add(staticUrls);
    const scripted = await add(scriptUrls);
    worker = await startWorker(env);

    process.stdout.write('[bench] first captures\n');
    const first = await timedPass(ctx, statics);
    await passThroughQueue(ctx, scripted);
    const before = await storedBytes(scratch.pool);
    process.stdout.write('[bench] unchanged pass\n');
    const unchanged = await timedPass(ctx, statics);
    const after = await storedBytes(scratch.pool);

    // Every 20th page (5 % by default) loses its third paragraph.
    const step = Math.max(1, Math.floor(sizes.pages / sizes.changedPages));
    const changedTargets = statics.filter((_, i) => i % step === 0).slice(0, sizes.changedPages);
    for (const t of changedTargets) {
      const n = Number(/report-(\d+)$/.exec(t.url)![1]);
      const spec = benchArticle(n);
      site.article(`/news/report-${n}`, { ...spec, paragraphs: spec.paragraphs.filter((_, i) => i !== 2) });
    }
    process.stdout.write(`[bench] changed pass (${changedTargets.length} pages)\n`);
    const changed = await timedPass(ctx, changedTargets);
    process.stdout.write(`[bench] script-dependent pass (${scripted.length} pages)\n`);
    const script = await timedPass(ctx, scripted);

    return {
      ...sizes,
      changedPages: changedTargets.length,
      floorSecondsPerPage: 1 / floor,
      firstSecondsPerCheck: first.secondsPerCheck,
      unchangedSecondsPerCheck: unchanged.secondsPerCheck,
      changedSecondsPerCheck: changed.secondsPerCheck,
      scriptSecondsPerCheck: script.secondsPerCheck,
      unchangedBytesPerCheck: (after.rows - before.rows) / sizes.pages,
      passes: { unchanged: unchanged.tiers, changed: changed.tiers, script: script.tiers },
      falseEscalations: falseOn(unchanged.tiers) + falseOn(script.tiers),
    };
  } finally {
    await worker?.stop();
    await ctx?.close();
    await dns?.close();
    await site?.close();
    await scratch?.drop();
  }
}
