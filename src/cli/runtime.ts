import type { Logger } from 'pino';
import { loadConfig, type Config } from '../config.ts';
import { createLogger } from '../logger.ts';
import { assertDatabaseReachable, createPool, type Pool } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import type { Context } from '../context.ts';
import { openDatabase, type EmbeddedAccess } from '../embedded/open-database.ts';
import { InvalidInputError } from '../errors/index.ts';
import { jsonText, terminalText } from './terminal-text.ts';

/** Flags every command accepts. */
export interface CommonFlags {
  json?: boolean;
}

function setup(): { config: Config; logger: Logger } {
  const config = loadConfig();
  return { config, logger: createLogger(config.logLevel) };
}

/**
 * Runs a command that needs Postgres alone (reads): it works while Redis is down. In the embedded mode it talks to
 * the running scrubwatch process, or opens the data folder itself (migrating it, unless `migrateEmbedded` is false);
 * `embedded: 'own'` insists on opening the folder, failing while another process owns it.
 */
export async function withPool<T>(
  fn: (pool: Pool, config: Config, logger: Logger) => Promise<T>,
  options: { migrateEmbedded?: boolean; embedded?: EmbeddedAccess } = {},
): Promise<T> {
  const { config, logger } = setup();
  const database = await openDatabase(config, logger, options.embedded ?? 'attach');
  const pool = createPool(database.url, { max: 2 });
  try {
    await assertDatabaseReachable(pool, database.url);
    if (database.embedded !== null && options.migrateEmbedded !== false) await migrate(pool);
    return await fn(pool, config, logger);
  } finally {
    await pool.end();
    await database.embedded?.close();
  }
}

/** Runs a command that needs the whole context (Postgres, Redis, the queue, the browser), closing it after. */
export async function withContext<T>(fn: (ctx: Context) => Promise<T>, options: { embedded?: EmbeddedAccess } = {}): Promise<T> {
  const { config, logger } = setup();
  // The context loads Playwright, BullMQ and the rest: only commands that need it pay for loading them.
  const { createContext } = await import('../context.ts');
  const ctx = await createContext(config, logger, options);
  try {
    return await fn(ctx);
  } finally {
    await ctx.close();
  }
}

/**
 * Prints a command's answer: exactly one JSON document with --json, else the human form with every control
 * character made visible (see terminalText). A command whose standard output carries data (an export to `-`)
 * passes standard error.
 */
export function output<T>(flags: CommonFlags, value: T, human: (v: T) => string, stream: NodeJS.WritableStream = process.stdout): void {
  stream.write(flags.json ? `${jsonText(value)}\n` : `${terminalText(human(value))}\n`);
}

/** Says on standard error what is worth knowing besides the answer; with --json the answer carries it instead. */
export function note(flags: CommonFlags, warnings: readonly { message: string }[]): void {
  if (flags.json) return;
  for (const w of warnings) process.stderr.write(`scrubwatch: note: ${terminalText(w.message)}\n`);
}

/** Parses an id argument, with a clear error naming what was expected. */
export function parseId(text: string, what = 'id'): number {
  const n = Number(text);
  if (!/^\d{1,15}$/.test(text) || !Number.isSafeInteger(n) || n <= 0) {
    throw new InvalidInputError(what, `${what} must be a positive whole number, got "${text}"`);
  }
  return n;
}

/** Commander helper for repeatable flags (`--tag a --tag b`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
