import { Option, type Command } from 'commander';
import { ALERT_KINDS } from '../detect/findings.ts';
import { requireTarget } from '../db/targets.ts';
import { listSnapshots } from '../db/snapshots.ts';
import { listAlerts } from '../db/alerts.ts';
import { alertLine, snapshotLine } from './format.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';

export function registerHistory(program: Command): void {
  program
    .command('snapshots <target-id>')
    .description("list a target's snapshots, newest first")
    .option('--limit <n>', 'how many', '50')
    .option('--json', 'print an array of snapshots as JSON')
    .action(async (id: string, flags: CommonFlags & { limit: string }) => {
      await withPool(async (pool) => {
        const target = await requireTarget(pool, parseId(id, 'target id'));
        const list = await listSnapshots(pool, target.id, parseId(flags.limit, '--limit'));
        output(flags, list, (l) => (l.length ? l.map(snapshotLine).join('\n') : `no snapshots of target #${target.id} yet`));
      });
    });

  program
    .command('alerts')
    .description('list raised alerts, newest first')
    .option('--target <id>', 'only alerts of this target')
    .addOption(new Option('--kind <kind>', 'only alerts of this kind').choices(ALERT_KINDS))
    .option('--tag <tag>', 'only alerts of targets with this tag')
    .option('--json', 'print an array of alerts as JSON')
    .action(async (flags: CommonFlags & { target?: string; kind?: string; tag?: string }) => {
      await withPool(async (pool) => {
        // A target that does not exist is a mistake to point out, not a filter that happens to match nothing.
        const targetId = flags.target === undefined ? undefined : (await requireTarget(pool, parseId(flags.target, '--target'))).id;
        const list = await listAlerts(pool, { targetId, kind: flags.kind, tag: flags.tag });
        output(flags, list, (l) => (l.length ? l.map(alertLine).join('\n') : 'no alerts'));
      });
    });
}
