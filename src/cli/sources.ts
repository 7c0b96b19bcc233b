import { Option, type Command } from 'commander';
import { listSources } from '../db/sources.ts';
import { InvalidInputError } from '../errors/index.ts';
import { SOURCE_KINDS, type SourceKind } from '../sources/discovered.ts';
import type { NewSourceInput } from '../sources/source-model.ts';
import { reportSource, summariseSources } from '../sources/source-report.ts';
import { parseDuration } from '../target-model/schedule.ts';
import { runSummary, sourceDetail, sourceLine, sourceSummaryLine } from './source-format.ts';
import { terminalText } from './terminal-text.ts';
import { collect, output, parseId, withContext, withPool, type CommonFlags } from './runtime.ts';

/** Changing and running sources loads the queues (BullMQ); listing and showing them does not need to. */
const manageSources = () => import('../sources/manage-sources.ts');

interface AddFlags extends CommonFlags {
  kind: SourceKind;
  name?: string;
  include: string[];
  exclude: string[];
  every?: string;
  targetsEvery?: string;
  tag: string[];
  phrase: string[];
  maxTargets?: string;
  since?: string;
  onlyMatching?: boolean;
  complete?: boolean;
  ignoreRobots?: boolean;
  nextSelector?: string;
  pages?: string;
}

/** A whole-number flag as a number; its range is the source schema's to check, like every other field's. */
function wholeNumber(flag: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,9}$/.test(text.replace(/[,_]/g, ''))) throw new InvalidInputError(flag, `${flag} must be a whole number, like 10000; got "${text}"`);
  return Number(text.replace(/[,_]/g, ''));
}

/** The flags of `sources add` as the source schema's input (flags left out take the schema's defaults). */
function sourceInput(url: string, f: AddFlags): NewSourceInput {
  const maxTargets = wholeNumber('--max-targets', f.maxTargets);
  const pages = wholeNumber('--pages', f.pages);
  return {
    url,
    kind: f.kind,
    include: f.include,
    exclude: f.exclude,
    tags: f.tag,
    phrases: f.phrase,
    onlyMatching: f.onlyMatching ?? false,
    ignoreRobots: f.ignoreRobots ?? false,
    ...(f.name !== undefined ? { name: f.name } : {}),
    ...(f.every !== undefined ? { every: f.every } : {}),
    ...(f.targetsEvery !== undefined ? { targetsEvery: f.targetsEvery } : {}),
    ...(maxTargets !== undefined ? { maxTargets } : {}),
    ...(f.since !== undefined ? { since: f.since } : {}),
    ...(f.complete !== undefined ? { complete: f.complete } : {}),
    ...(f.nextSelector !== undefined ? { nextSelector: f.nextSelector } : {}),
    ...(pages !== undefined ? { pages } : {}),
  };
}

export function registerSources(program: Command): void {
  const sources = program.command('sources').description('find pages to watch: sitemaps, feeds, listing pages and Internet Archive sweeps');

  sources
    .command('add <url>')
    .description('add a source: every page it lists becomes a target with its settings; first read one interval from now (`sources run` reads it now)')
    .addOption(new Option('--kind <kind>', 'sitemap, feed, listing or archive (a URL prefix swept in the Wayback Machine)').choices(SOURCE_KINDS).makeOptionMandatory())
    .option('--include <regex>', 'keep only pages whose full URL matches (repeatable)', collect, [])
    .option('--exclude <regex>', 'leave out pages whose full URL matches (repeatable)', collect, [])
    .option('--every <duration>', 'how often the source is read, like 6h (default 6h)')
    .option('--targets-every <duration>', 'the capture schedule of the targets it makes (default 24h)')
    .option('--tag <tag>', 'a tag given to every target it makes (repeatable)', collect, [])
    .option('--phrase <text>', 'a watched phrase given to every target it makes (repeatable)', collect, [])
    .option('--max-targets <n>', 'the most pages it lists as targets (default 10000); reaching it is a warning')
    .option('--since <date>', 'pass over sitemap entries (lastmod) and archive captures older than this date')
    .option('--only-matching', 'schedule only the pages whose first capture (or archived copy) names one of the phrases')
    .option('--complete', 'a page it stops listing is delisted (the default for sitemap and archive)')
    .option('--no-complete', 'pages it stops listing merely rolled off (the default for feed and listing)')
    .option('--ignore-robots', 'read the source even where robots.txt disallows it')
    .option('--next-selector <css>', 'listing: the CSS selector of the next page link (else rel="next")')
    .option('--pages <n>', 'listing: the most pages read (default 5)')
    .option('--name <name>', 'a label for people')
    .option('--json', 'print the source as JSON')
    .action(async (url: string, flags: AddFlags) => {
      const input = sourceInput(url, flags);
      await withContext(async (ctx) => {
        const { addSource } = await manageSources();
        const source = await addSource(ctx, input);
        output(flags, source, (s) => `added ${sourceLine(s)}\n  read it now with \`scrubwatch sources run ${s.id}\``);
      });
    });

  sources
    .command('list')
    .description('list sources with what became of their pages')
    .option('--json', 'print an array of sources as JSON')
    .action(async (flags: CommonFlags) => {
      await withPool(async (pool) => {
        const list = await summariseSources(pool, await listSources(pool));
        output(flags, list, (l) => (l.length ? l.map(sourceSummaryLine).join('\n') : 'no sources yet: add one with `scrubwatch sources add <url> --kind sitemap`'));
      });
    });

  sources
    .command('show <id>')
    .description('show a source: settings, counts, its last run, and the pages it delisted or lost')
    .option('--json', 'print the source as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      await withPool(async (pool) => {
        const { requireSource } = await manageSources();
        output(flags, await reportSource(pool, await requireSource({ pool }, parseId(id, 'source id'))), sourceDetail);
      });
    });

  for (const [name, paused] of [['pause', true], ['resume', false]] as const) {
    sources
      .command(`${name} <id>`)
      .description(paused ? 'stop scheduled reads of a source (its targets keep their own schedules)' : 'restart scheduled reads of a source')
      .option('--json', 'print the source as JSON')
      .action(async (id: string, flags: CommonFlags) => {
        await withContext(async (ctx) => {
          const { setPausedSource } = await manageSources();
          output(flags, await setPausedSource(ctx, parseId(id, 'source id'), paused), (s) => `${name}d ${sourceLine(s)}`);
        });
      });
  }

  sources
    .command('remove <id>')
    .description('remove a source and its schedule; the targets it made stay, with their snapshots and alerts')
    .option('--json', 'print the removed source as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      await withContext(async (ctx) => {
        const { removeSource } = await manageSources();
        const removed = await removeSource(ctx, parseId(id, 'source id'));
        output(flags, removed, (s) => `removed ${sourceLine(s)}\n  the targets it made stay: \`scrubwatch targets list\``);
      });
    });

  sources
    .command('run <id>')
    .description('read a source now through a running worker and wait for the result')
    .option('--wait <duration>', 'how long to wait for the read', '15m')
    .option('--json', 'print {discovered, added, alreadyWatched, skipped, delisted, screenedOut, capped, problems, warnings}')
    .action(async (id: string, flags: CommonFlags & { wait: string }) => {
      const sourceId = parseId(id, 'source id');
      const waitMs = parseDuration(flags.wait, '--wait');
      await withContext(async (ctx) => {
        const { runSourceNow } = await manageSources();
        const live = !flags.json && process.stderr.isTTY === true;
        if (live) process.stderr.write(terminalText(`reading source #${sourceId}…\n`));
        const r = await runSourceNow(ctx, sourceId, waitMs);
        const result = {
          discovered: r.discovered,
          added: r.added,
          alreadyWatched: r.alreadyWatched,
          skipped: r.skipped,
          delisted: r.delisted,
          screenedOut: r.screenedOut,
          capped: r.capped,
          problems: r.problems,
          warnings: r.warnings,
        };
        output(flags, result, (v) => `source #${sourceId}: ${runSummary(v)}`);
      });
    });
}
