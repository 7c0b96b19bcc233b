import type { Command } from 'commander';
import { listTargets, requireTarget } from '../db/targets.ts';
import { BlockedUrlError, InvalidInputError } from '../errors/index.ts';
import { parseDuration } from '../target-model/schedule.ts';
import type { CheckResult } from '../checks/check-now.ts';
import { alertLine, changeText, checkTally, snapshotLine, suspicionText } from './format.ts';
import { createProgress } from './progress.ts';
import { output, parseId, withContext, type CommonFlags } from './runtime.ts';

interface CheckFlags extends CommonFlags {
  all?: boolean;
  tag?: string;
  inline?: boolean;
  wait: string;
}

function human(r: CheckResult): string {
  return [`target #${r.targetId}: ${snapshotLine(r.snapshot)}`, changeText(r.snapshot, r.change), suspicionText(r), ...r.alerts.map(alertLine)]
    .filter((line) => line !== null)
    .join('\n');
}

/**
 * A check whose capture the address policy refused is bad input (exit 2), as `targets add` of that URL would be:
 * the error names the targets, and why, after their results were printed.
 */
function refusedCaptures(results: CheckResult[]): BlockedUrlError | null {
  const refused = results.filter((r) => r.snapshot.error?.code === 'blocked_url');
  if (refused.length === 0) return null;
  const which = refused.map((r) => `#${r.targetId}`).join(', ');
  return new BlockedUrlError(`the capture of target${refused.length > 1 ? 's' : ''} ${which} was refused: ${refused[0]!.snapshot.error!.message}`);
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
        // On a terminal each result is printed as it comes; --json prints its one document at the end.
        const onChecked = (r: CheckResult) => {
          progress.tick();
          if (!flags.json) progress.print(human(r));
        };
        const results = flags.inline
          ? await checkInline(ctx, ids, onChecked)
          : await checkThroughQueue(ctx, ids, waitMs, onChecked);
        progress.end();
        if (flags.json) output(flags, flags.all ? results : results[0], () => '');
        else if (flags.all) process.stdout.write(`${results.length ? checkTally(results) : 'no active targets to check'}\n`);
        const refused = refusedCaptures(results);
        if (refused) throw refused;
      });
    });
}
