import type { Command } from 'commander';
import { listTargets, requireTarget } from '../db/targets.ts';
import { InvalidInputError } from '../errors.ts';
import { parseDuration } from '../targets/schedule.ts';
import type { CheckResult } from '../checks/check-now.ts';
import { alertLine, changeText, snapshotLine } from './format.ts';
import { createProgress } from './progress.ts';
import { output, parseId, withContext, type CommonFlags } from './runtime.ts';

interface CheckFlags extends CommonFlags {
  all?: boolean;
  tag?: string;
  inline?: boolean;
  wait: string;
}

function human(r: CheckResult): string {
  return [`target #${r.targetId}: ${snapshotLine(r.snapshot)}`, changeText(r.change), ...r.alerts.map(alertLine)].join('\n');
}

export function registerCheck(program: Command): void {
  program
    .command('check [target-id]')
    .description('capture now and wait for the result (through a running worker, or --inline in this process)')
    .option('--all', 'check every active target (or every one with --tag)')
    .option('--tag <tag>', 'with --all: only targets with this tag')
    .option('--inline', 'capture in this process instead of through the queue')
    .option('--wait <duration>', 'how long to wait for the results', '10m')
    .option('--json', 'print the result as JSON (an array with --all)')
    .action(async (id: string | undefined, flags: CheckFlags) => {
      if (flags.all && id !== undefined) throw new InvalidInputError('target-id', 'give a target id or --all, not both');
      if (!flags.all && id === undefined) throw new InvalidInputError('target-id', 'give a target id (see `scrubwatch targets list`) or --all');
      if (flags.tag !== undefined && !flags.all) throw new InvalidInputError('tag', '--tag goes with --all');
      const waitMs = parseDuration(flags.wait, '--wait');
      await withContext(async (ctx) => {
        const { checkInline, checkThroughQueue } = await import('../checks/check-now.ts');
        const ids = flags.all
          ? await listTargets(ctx.pool, { tag: flags.tag, activeOnly: true })
          : [await requireTarget(ctx.pool, parseId(id!, 'target id'))];
        const progress = createProgress('checked', ids.length, !flags.json);
        const results = flags.inline
          ? await checkInline(ctx, ids, progress.tick)
          : await checkThroughQueue(ctx, ids, waitMs, progress.tick);
        progress.end();
        if (flags.all) output(flags, results, (rs) => (rs.length ? rs.map(human).join('\n') : 'no active targets to check'));
        else output(flags, results[0]!, human);
      });
    });
}
