import { Option, type Command } from 'commander';
import { ALERT_KINDS } from '../detect/findings.ts';
import { requireTarget } from '../db/targets.ts';
import { listAlerts } from '../db/alerts.ts';
import { alertLine } from './format.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';

/** `scrubwatch alerts`: raised alerts, filtered by target, kind or tag. */
export function registerAlerts(program: Command): void {
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
