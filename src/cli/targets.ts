import { Option, type Command } from 'commander';
import { listTargetsPage, requireTarget, TARGET_STATES, type Target, type TargetState } from '../db/targets.ts';
import { listSourcesOfTarget } from '../db/source-reports.ts';
import type { Pool } from '../db/pool.ts';
import { FETCHERS, type Fetcher } from '../target-model/fetchers.ts';
import { DEFAULT_FULL_EVERY } from '../target-model/target-options.ts';
import { getTierState } from '../db/target-tiers.ts';
import { tierLines, tierSummary } from '../tiers/tier-summary.ts';
import { targetDetail, targetLine } from './format.ts';
import { targetSourcesText } from './source-format.ts';
import { registerImport } from './targets-import.ts';
import { parseConfirm, registerUpdate } from './targets-update.ts';
import { collect, note, output, parseId, withContext, withPool, type CommonFlags } from './runtime.ts';

/** Changing targets loads the queues (BullMQ); listing and showing them does not need to. */
const manageTargets = () => import('../targets/manage-targets.ts');

interface AddFlags extends CommonFlags {
  name?: string;
  every?: string;
  cron?: string;
  tag: string[];
  phrase: string[];
  ignore: string[];
  notFound: string[];
  waitFor?: string;
  confirm?: string;
  fetcher?: Fetcher;
  embeds: boolean;
  archive?: boolean;
  fullEvery?: string;
}

/** How many targets one query of `targets list` reads: pages are read one after another, never all at once. */
const LIST_PAGE = 1000;

/** Every target matching the filter, read page by page (screened ones only when asked for by state). */
async function listAllTargets(pool: Pool, filter: { tag?: string | undefined; state?: TargetState | undefined; source?: number | undefined }): Promise<Target[]> {
  const all: Target[] = [];
  for (let after: number | undefined; ; ) {
    const page = await listTargetsPage(pool, { ...filter, after, limit: LIST_PAGE });
    all.push(...page);
    if (page.length < LIST_PAGE) return all;
    after = page[page.length - 1]!.id;
  }
}

export function registerTargets(program: Command): void {
  const targets = program.command('targets').description('add, list and manage watched pages');

  targets
    .command('add <url>')
    .description('watch a page: validates and stores it, then schedules its captures')
    .option('--name <name>', 'a label for people')
    .option('--every <duration>', 'capture interval, like 30m, 6h or 1d (default SCRUBWATCH_DEFAULT_EVERY)')
    .option('--cron <pattern>', 'capture on a 5-field cron pattern (UTC) instead of an interval')
    .option('--tag <tag>', 'a tag (repeatable)', collect, [])
    .option('--phrase <text>', 'a phrase whose disappearance matters, e.g. a name (repeatable)', collect, [])
    .option('--ignore <css>', 'a CSS selector left out of comparisons (repeatable)', collect, [])
    .option('--wait-for <css>', 'a CSS selector to wait for before reading the page')
    .option('--confirm <n>', 'consecutive captures that must show a removal before it is raised (1-10, default 2)')
    .option('--not-found <regex>', "a pattern (case-insensitive) of this site's not-found pages (repeatable)", collect, [])
    .addOption(new Option('--fetcher <kind>', 'browser (the default) or http (a plain fetch, no JavaScript)').choices(FETCHERS))
    .option('--archive', 'ask the Wayback Machine for a public copy when the page is first seen or changes')
    .option('--full-every <duration>', 'longest between full browser captures while cheap checks find it unchanged, like 7d (the default) or 12h')
    .option('--no-embeds', 'do not watch the tweets this page embeds')
    .option('--json', 'print the target as JSON, with any warnings')
    .action(async (url: string, flags: AddFlags) => {
      await withContext(async (ctx) => {
        const [{ addTarget }, { privateHostOf, privateNetworkWarning }] = await Promise.all([manageTargets(), import('../targets/target-address.ts')]);
        const target = await addTarget(ctx, {
          url,
          name: flags.name,
          tags: flags.tag,
          every: flags.every,
          cron: flags.cron,
          fetcher: flags.fetcher,
          options: {
            waitFor: flags.waitFor,
            ignore: flags.ignore,
            phrases: flags.phrase,
            notFound: flags.notFound,
            watchEmbeds: flags.embeds,
            confirm: parseConfirm(flags.confirm) ?? 2,
            archive: flags.archive ?? false,
            fullEvery: flags.fullEvery ?? DEFAULT_FULL_EVERY,
          },
        });
        const privateHost = await privateHostOf(target.url, ctx.config);
        const warning = privateHost && privateNetworkWarning([privateHost], ctx.config);
        const warnings = warning ? [warning] : [];
        output(flags, { ...target, warnings }, (t) => `added ${targetLine(t)}`);
        note(flags, warnings);
      });
    });

  registerImport(targets);
  registerUpdate(targets);

  targets
    .command('list')
    .description('list watched pages (screened ones only with --state screened)')
    .option('--tag <tag>', 'only targets with this tag')
    .option('--source <id>', 'only the targets this source lists')
    .addOption(new Option('--state <state>', 'only targets in this state').choices(TARGET_STATES))
    .option('--json', 'print an array of targets as JSON')
    .action(async (flags: CommonFlags & { tag?: string; source?: string; state?: TargetState }) => {
      const source = flags.source === undefined ? undefined : parseId(flags.source, '--source');
      await withPool(async (pool) => {
        const list = await listAllTargets(pool, { tag: flags.tag, state: flags.state, source });
        const none =
          source !== undefined
            ? `source ${source} lists no target${flags.state === undefined ? '' : ` in state ${flags.state}`}: read it with \`scrubwatch sources run ${source}\``
            : flags.tag !== undefined || flags.state !== undefined
              ? 'no target matches'
              : 'no targets yet: add one with `scrubwatch targets add <url>`';
        output(flags, list, (l) => (l.length ? l.map(targetLine).join('\n') : none));
      });
    });

  targets
    .command('show <id>')
    .description('show one target, what the checking tiers learned of it, and the sources that list it')
    .option('--json', 'print the target as JSON, with `tier` and `sources`')
    .action(async (id: string, flags: CommonFlags) => {
      await withPool(async (pool) => {
        const target = await requireTarget(pool, parseId(id, 'target id'));
        const [sources, state] = await Promise.all([listSourcesOfTarget(pool, target.id), getTierState(pool, target.id)]);
        const tier = tierSummary(target.options, state);
        output(flags, { ...target, tier, sources }, (t) =>
          [targetDetail(t), ...tierLines(tier).map((l) => `  ${l}`), targetSourcesText(sources)].filter((l) => l !== null).join('\n'),
        );
      });
    });

  for (const [name, paused] of [['pause', true], ['resume', false]] as const) {
    targets
      .command(`${name} <id>`)
      .description(paused ? 'stop scheduled captures of a target' : 'restart scheduled captures of a target')
      .option('--json', 'print the target as JSON')
      .action(async (id: string, flags: CommonFlags) => {
        await withContext(async (ctx) => {
          const { setPaused } = await manageTargets();
          output(flags, await setPaused(ctx, parseId(id, 'target id'), paused), (t) => `${name}d ${targetLine(t)}`);
        });
      });
  }

  targets
    .command('remove <id>')
    .description('stop watching a target and delete its snapshots, changes and alerts')
    .option('--json', 'print the removed target as JSON')
    .action(async (id: string, flags: CommonFlags) => {
      await withContext(async (ctx) => {
        const { removeTarget } = await manageTargets();
        output(flags, await removeTarget(ctx, parseId(id, 'target id')), (t) => `removed ${targetLine(t)}`);
      });
    });
}
