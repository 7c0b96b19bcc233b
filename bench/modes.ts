/**
 * The modes benchmark (part of `npm run bench`; alone, `npm run bench:modes`): the same fixture articles through
 * each run mode — queues in Redis, queues in Postgres, and the embedded database holding both — with one
 * `scrubwatch worker` process each: a first pass and an unchanged pass through the queue, the bytes an unchanged
 * check adds, and the checks per hour one worker keeps up with at the unchanged rate. BENCH_MODE_PAGES sets the
 * pages (default 40, captured twice in each mode); BENCH_MODES, a comma list, picks modes (default all three).
 * Not a test: it prints figures.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { loadConfig, type Config, type RunMode } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import { createContext, type Context } from '../src/context.ts';
import { addTarget } from '../src/targets/manage-targets.ts';
import type { Target } from '../src/db/targets.ts';
import { startArticleSite } from './lib/article-site.ts';
import { describeMachine, machine } from './lib/machine.ts';
import { createModeStore } from './lib/mode-store.ts';
import { passThroughQueue } from './lib/queue-pass.ts';
import { storedBytes } from './lib/stored-bytes.ts';
import { markdownTable, printTable, type Row } from './lib/table.ts';
import { startWorker, type WorkerEnv, type WorkerProcess } from './lib/workers.ts';

export interface ModeFigures {
  mode: RunMode;
  firstPassPagesPerSecond: number;
  unchangedPagesPerSecond: number;
  unchangedBytesPerCheck: number;
  /** The unchanged rate over an hour: a ceiling, since a check that finds a change costs about a first capture. */
  checksPerHour: number;
}

export interface ModesFigures {
  pages: number;
  concurrency: number;
  modes: ModeFigures[];
}

const ALL_MODES: RunMode[] = ['redis', 'postgres-queue', 'embedded'];
/** The schedule docs/performance.md#per-run-mode counts "how many targets" at: SCRUBWATCH_DEFAULT_EVERY's default. */
const EVERY_HOURS = 6;

const logger = createLogger('warn', { pretty: false });

/** Runs every step in order even when one fails, then rethrows the first failure: cleanup that must all happen. */
async function inOrder(steps: Array<() => Promise<unknown>>): Promise<void> {
  let failure: unknown = null;
  for (const step of steps) {
    try {
      await step();
    } catch (err) {
      failure ??= err;
    }
  }
  if (failure !== null) throw failure;
}

/**
 * Adds a target per URL and removes its queued first capture (the bench times its own passes), in a context
 * closed before any worker starts: in the embedded mode this opens and migrates the data folder, which the worker
 * must own afterwards.
 */
async function seedTargets(config: Config, urls: string[]): Promise<Target[]> {
  const ctx = await createContext(config, logger);
  try {
    const targets: Target[] = [];
    for (const url of urls) targets.push(await addTarget(ctx, { url, every: '30d' }));
    for (const t of targets) await ctx.captureQueue.remove(`first-${t.id}`);
    return targets;
  } finally {
    await ctx.close();
  }
}

async function measureMode(mode: RunMode, urls: string[]): Promise<ModeFigures> {
  const store = await createModeStore(mode);
  let worker: WorkerProcess | undefined;
  let ctx: Context | undefined;
  try {
    const env: WorkerEnv = {
      ...store.env,
      SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true',
      // Every fixture page is on one host: politeness would measure the per-host gap, not the capture.
      SCRUBWATCH_HOST_CONCURRENCY: '64',
      SCRUBWATCH_HOST_GAP: '0s',
      LOG_LEVEL: 'warn',
    };
    const config = loadConfig({ ...process.env, ...env });
    if (config.mode !== mode) throw new Error(`the ${mode} environment selected the ${config.mode} mode`);
    const targets = await seedTargets(config, urls);
    worker = await startWorker(env);
    // Ready means the worker owns the embedded folder and has migrated it, so this attaches rather than opens.
    ctx = await createContext(config, logger);
    if (mode === 'embedded' && ctx.embeddedAccess !== 'attached') throw new Error('the bench opened the embedded folder instead of attaching to the worker');
    process.stdout.write(`[bench] ${mode}: first pass\n`);
    const first = await passThroughQueue(ctx, targets);
    const before = await storedBytes(ctx.pool);
    process.stdout.write(`[bench] ${mode}: unchanged pass\n`);
    const unchanged = await passThroughQueue(ctx, targets);
    const after = await storedBytes(ctx.pool);
    return {
      mode,
      firstPassPagesPerSecond: Math.round(first * 100) / 100,
      unchangedPagesPerSecond: Math.round(unchanged * 100) / 100,
      unchangedBytesPerCheck: Math.round((after.rows - before.rows) / urls.length),
      checksPerHour: Math.round(unchanged * 3600),
    };
  } finally {
    // The bench's context first: in the embedded mode its connections end at the worker's loopback server.
    const open = ctx;
    await inOrder([async () => open?.close(), async () => worker?.stop(), () => store.drop()]);
  }
}

function modeRows(f: ModeFigures): Row[] {
  const n = (x: number) => x.toLocaleString('en-US');
  const perSchedule = f.checksPerHour * EVERY_HOURS;
  // Two significant figures, rounded down: the figure is a ceiling already.
  const step = 10 ** Math.max(0, Math.floor(Math.log10(Math.max(perSchedule, 1))) - 1);
  const targets = Math.floor(perSchedule / step) * step;
  return [
    { measure: `${f.mode}: first pass`, value: `${f.firstPassPagesPerSecond} pages/s` },
    { measure: `${f.mode}: unchanged pass`, value: `${f.unchangedPagesPerSecond} pages/s` },
    { measure: `${f.mode}: bytes added per unchanged check (rows)`, value: `${f.unchangedBytesPerCheck} B`, target: '< 1 KB', met: f.unchangedBytesPerCheck < 1024 },
    { measure: `${f.mode}: checks per hour, one worker (unchanged rate)`, value: `${n(f.checksPerHour)} (≈ ${n(targets)} targets every ${EVERY_HOURS}h)` },
  ];
}

/** The modes BENCH_MODES names (all three when unset), failing on a name that is not a mode. */
function chosenModes(): RunMode[] {
  const names = (process.env.BENCH_MODES ?? '').split(',').map((m) => m.trim()).filter((m) => m !== '');
  const unknown = names.filter((m) => !(ALL_MODES as string[]).includes(m));
  if (unknown.length) throw new Error(`BENCH_MODES: unknown mode(s) ${unknown.join(', ')}; use ${ALL_MODES.join(', ')}`);
  return names.length ? ALL_MODES.filter((m) => names.includes(m)) : ALL_MODES;
}

export async function runModesBench(pages: number): Promise<{ figures: ModesFigures; rows: Row[] }> {
  const chosen = chosenModes();
  const { site, urls } = await startArticleSite(pages);
  try {
    const modes: ModeFigures[] = [];
    for (const mode of chosen) {
      const f = await measureMode(mode, urls);
      // Printed as each mode ends, so a later mode failing does not lose the figures.
      process.stdout.write(`[bench] ${mode}: ${JSON.stringify(f)}\n`);
      modes.push(f);
    }
    return { figures: { pages, concurrency: loadConfig().concurrency, modes }, rows: modes.flatMap(modeRows) };
  } finally {
    await site.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const pages = Number(process.env.BENCH_MODE_PAGES ?? 40);
  const m = machine();
  process.stdout.write(`machine: ${describeMachine(m)}\n`);
  const started = performance.now();
  const { figures, rows } = await runModesBench(pages);
  printTable(`run modes: ${pages} fixture articles, one worker of ${figures.concurrency} lanes`, rows);
  process.stdout.write(`\ntook ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
  mkdirSync(new URL('./results/', import.meta.url), { recursive: true });
  const out = new URL('./results/modes.json', import.meta.url);
  writeFileSync(out, `${JSON.stringify({ at: new Date().toISOString(), machine: m, modes: figures, markdown: `${markdownTable(rows)}\n\nMachine: ${describeMachine(m)}.` }, null, 2)}\n`);
  process.stdout.write(`written to ${out.pathname}\n`);
}
