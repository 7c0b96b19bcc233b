import { Option, type Command } from 'commander';
import { InvalidInputError } from '../errors/index.ts';
import { FETCHERS, type Fetcher } from '../target-model/fetchers.ts';
import type { TargetPatch } from '../targets/update-target.ts';
import { targetLine } from './format.ts';
import { output, parseId, withContext, type CommonFlags } from './runtime.ts';

interface UpdateFlags extends CommonFlags {
  name?: string;
  every?: string;
  cron?: string;
  fetcher?: Fetcher;
  confirm?: string;
  fullEvery?: string;
}

/** `--confirm` as a number; its range is the target schema's to check, like every other option's. */
export function parseConfirm(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d{1,6}$/.test(text)) throw new InvalidInputError('--confirm', `--confirm must be a whole number of captures, like 2; got "${text}"`);
  return Number(text);
}

/** The patch the flags given ask for: a flag left out leaves its setting as it is. */
function patchOf(flags: UpdateFlags): TargetPatch {
  const options: NonNullable<TargetPatch['options']> = {};
  const confirm = parseConfirm(flags.confirm);
  if (confirm !== undefined) options.confirm = confirm;
  if (flags.fullEvery !== undefined) options.fullEvery = flags.fullEvery;
  const patch: TargetPatch = {};
  if (flags.name !== undefined) patch.name = flags.name;
  if (flags.every !== undefined) patch.every = flags.every;
  if (flags.cron !== undefined) patch.cron = flags.cron;
  if (flags.fetcher !== undefined) patch.fetcher = flags.fetcher;
  if (Object.keys(options).length) patch.options = options;
  if (Object.keys(patch).length === 0) {
    throw new InvalidInputError('flags', 'nothing to change: give at least one of --name, --every, --cron, --fetcher, --confirm, --full-every (e.g. --full-every 7d)');
  }
  return patch;
}

/** `targets update <id>`: changes the settings the flags name, as PATCH /api/targets/{id} does. */
export function registerUpdate(targets: Command): void {
  targets
    .command('update <id>')
    .description("change a target's settings; the ones not given stay as they are")
    .option('--name <name>', 'a label for people')
    .option('--every <duration>', 'capture interval, like 30m, 6h or 1d')
    .option('--cron <pattern>', 'capture on a 5-field cron pattern (UTC) instead of an interval')
    .addOption(new Option('--fetcher <kind>', 'browser or http (a plain fetch, no JavaScript)').choices(FETCHERS))
    .option('--confirm <n>', 'consecutive captures that must show a removal before it is raised (1-10)')
    .option('--full-every <duration>', 'longest between full browser captures while cheap checks find it unchanged, like 7d or 12h')
    .option('--json', 'print the target as JSON')
    .action(async (id: string, flags: UpdateFlags) => {
      const targetId = parseId(id, 'target id');
      const patch = patchOf(flags);
      await withContext(async (ctx) => {
        const { updateTarget } = await import('../targets/update-target.ts');
        output(flags, await updateTarget(ctx, targetId, patch), (t) => `updated ${targetLine(t)}`);
      });
    });
}
