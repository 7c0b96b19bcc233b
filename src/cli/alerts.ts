import { userInfo } from 'node:os';
import { Option, type Command } from 'commander';
import { ALERT_KINDS, SEVERITY_LEVELS, type AlertKind, type Severity } from '../detect/findings.ts';
import { listAlerts, type Alert, type AlertState } from '../db/alerts.ts';
import { ALERT_STATES } from '../review/alert-filter.ts';
import { triageAlert } from '../review/triage-alert.ts';
import { alertLine } from './format.ts';
import { requireNarrowing } from './narrowing.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';

interface ListFlags extends CommonFlags {
  target?: string;
  source?: string;
  state?: AlertState;
  severity?: Severity;
  kind?: AlertKind;
  tag?: string;
}

/**
 * Who triaged from the terminal, as the alert records it: `cli (login name)`, beside the UI's and the API's token
 * names. A process with no login name (a container's bare uid) is `cli`.
 */
export function cliActor(): string {
  try {
    const name = userInfo().username;
    return name ? `cli (${name})` : 'cli';
  } catch {
    return 'cli';
  }
}

/** `alerts confirm|dismiss ID`: one alert triaged through the same code as the UI's and the API's triage. */
function registerTriage(alerts: Command, verb: 'confirm' | 'dismiss', state: AlertState): void {
  alerts
    .command(`${verb} <id>`)
    .description(verb === 'confirm' ? 'confirm an alert: the removal is real' : 'dismiss an alert as a false alarm (kept in the history; teaches the detector nothing)')
    .option('--note <text>', 'why, for whoever reads the alert next (at most 2,000 characters)')
    .option('--json', 'print the triaged alert as JSON')
    .action(async (id: string, flags: CommonFlags & { note?: string }) => {
      const alertId = parseId(id, 'alert id');
      await withPool(async (pool) => {
        const alert = await triageAlert(pool, alertId, { state, note: flags.note }, cliActor());
        output(flags, alert, (a: Alert) => `${alertLine(a)}\n  ${a.state} by ${a.triage?.by ?? '?'}${a.triage?.note ? `: ${a.triage.note}` : ''}`);
      });
    });
}

/** `scrubwatch alerts`: raised alerts, filtered as the inbox filters them; `alerts confirm|dismiss ID` triage one. */
export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('list raised alerts, newest first; `alerts confirm|dismiss ID` triage one')
    // Options stand before a subcommand's name: `alerts confirm 3 --json` reaches `confirm`.
    .enablePositionalOptions()
    .option('--target <id>', 'only alerts of this target')
    .option('--source <id>', 'only alerts of the targets this source lists')
    .addOption(new Option('--state <state>', 'only alerts in this state').choices(ALERT_STATES))
    .addOption(new Option('--severity <severity>', 'only alerts of this severity').choices(SEVERITY_LEVELS))
    .addOption(new Option('--kind <kind>', 'only alerts of this kind').choices(ALERT_KINDS))
    .option('--tag <tag>', 'only alerts of targets with this tag')
    .option('--json', 'print an array of alerts as JSON')
    .action(async (flags: ListFlags) => {
      const targetId = flags.target === undefined ? undefined : parseId(flags.target, '--target');
      const sourceId = flags.source === undefined ? undefined : parseId(flags.source, '--source');
      await withPool(async (pool) => {
        // A target or source that does not exist is a mistake to point out, not a filter that happens to match nothing.
        await requireNarrowing(pool, { targetId, sourceId });
        const list = await listAlerts(pool, { targetId, sourceId, state: flags.state, severity: flags.severity, kind: flags.kind, tag: flags.tag });
        output(flags, list, (l) => (l.length ? l.map(alertLine).join('\n') : 'no alerts'));
      });
    });
  registerTriage(alerts, 'confirm', 'confirmed');
  registerTriage(alerts, 'dismiss', 'dismissed');
}
