import { Command, CommanderError } from 'commander';
import { InvalidInputError, describeError, isInputFault } from '../errors/index.ts';
import { inFlagTerms } from './flag-names.ts';
import { terminalText } from './terminal-text.ts';
import type { LoadProcessors } from '../app/processors.ts';
import { registerServe } from './serve.ts';
import { registerTargets } from './targets.ts';
import { registerCheck } from './check.ts';
import { registerSnapshots } from './snapshots.ts';
import { registerAlerts } from './alerts.ts';
import { registerDemo } from './demo.ts';
import { registerSubscriptions } from './subscriptions.ts';
import { registerDeliveries } from './deliveries.ts';
import { registerVerify } from './verify.ts';
import { registerTweets } from './tweets.ts';
import { registerTokens } from './tokens.ts';
import { registerTransfer } from './transfer.ts';
import { registerSources } from './sources.ts';
import { registerSearch } from './search.ts';
import { registerEvidence } from './evidence.ts';
import { scrubwatchVersion } from '../version.ts';

/** Exit codes the CLI promises: scripts can tell bad input from a failure of the world. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

/** `loadProcessors` hands the job processors (jobs/) to the commands that run workers. */
export function buildProgram(loadProcessors: LoadProcessors): Command {
  const program = new Command('scrubwatch')
    .description('watch web pages for quiet removals: scheduled Chromium captures, every snapshot kept in Postgres')
    .version(scrubwatchVersion(), '-V, --version', 'print the version')
    .showHelpAfterError('(run with --help for usage)')
    // The program's own options stand before a command, so a command with subcommands (`search`) may share option
    // names with them: `search saved --json` reaches `saved`, not `search`.
    .enablePositionalOptions()
    // Commander's own refusals (an unknown flag, a value not among a flag's choices) read like every other error.
    .configureOutput({ outputError: (text, write) => write(`scrubwatch: ${terminalText(text.replace(/^error: /, ''))}`) })
    .exitOverride();
  registerServe(program, loadProcessors);
  registerTargets(program);
  registerSources(program);
  registerSearch(program);
  registerCheck(program);
  registerSnapshots(program);
  registerAlerts(program);
  registerDemo(program);
  registerSubscriptions(program);
  registerDeliveries(program);
  registerVerify(program);
  registerTweets(program);
  registerTokens(program);
  registerTransfer(program);
  registerEvidence(program);
  return program;
}

/** The exit code of a failure: bad input (an error whose class says so, or one commander found) or the world. */
export function exitCodeOf(err: unknown): number {
  if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
  return isInputFault(err) ? EXIT.usage : EXIT.failure;
}

/** What the CLI says of a failure: bad input named by the flag that was typed. */
export function describeForCli(err: unknown): string {
  return err instanceof InvalidInputError ? inFlagTerms(err.field, err.message) : describeError(err);
}

/** Runs the CLI; every failure ends as one line on stderr and a non-zero exit code. */
export async function main(argv: string[], loadProcessors: LoadProcessors): Promise<number> {
  try {
    await buildProgram(loadProcessors).parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    // Commander has said what was wrong already.
    if (!(err instanceof CommanderError)) process.stderr.write(`scrubwatch: ${terminalText(describeForCli(err))}\n`);
    return exitCodeOf(err);
  }
}
