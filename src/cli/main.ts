import { Command, CommanderError } from 'commander';
import { AppError, describeError } from '../errors.ts';
import { registerServe } from './serve.ts';
import { registerTargets } from './targets.ts';
import { registerCheck } from './check.ts';
import { registerHistory } from './history.ts';
import { registerDemo } from './demo.ts';
import { registerSubscriptions } from './subscriptions.ts';
import { registerDeliveries } from './deliveries.ts';
import { registerTweets } from './tweets.ts';
import { registerTokens } from './tokens.ts';
import { registerTransfer } from './transfer.ts';

/** Exit codes the CLI promises: scripts can tell bad input from a failure of the world. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

export function buildProgram(): Command {
  const program = new Command('scrubwatch')
    .description('watch web pages for quiet removals: scheduled Chromium captures, every snapshot kept in Postgres')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  registerServe(program);
  registerTargets(program);
  registerCheck(program);
  registerHistory(program);
  registerDemo(program);
  registerSubscriptions(program);
  registerDeliveries(program);
  registerTweets(program);
  registerTokens(program);
  registerTransfer(program);
  return program;
}

/** Runs the CLI; every failure ends as one line on stderr and a non-zero exit code. */
export async function main(argv: string[]): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    const usage = err instanceof AppError && ['invalid_input', 'config_invalid', 'blocked_url'].includes(err.code);
    process.stderr.write(`scrubwatch: ${describeError(err)}\n`);
    return usage ? EXIT.usage : EXIT.failure;
  }
}
