import type { Command } from 'commander';
import { loadConfig } from '../config.ts';
import { createLogger } from '../logger.ts';
import { createPool, assertDatabaseReachable, redactUrl } from '../db/pool.ts';
import { migrate } from '../db/migrate.ts';
import { createContext } from '../context.ts';
import { onShutdownSignal } from '../shutdown.ts';
import { startWorker } from '../../jobs/worker.ts';
import { output, type CommonFlags } from './runtime.ts';

/** Runs workers (and, once it exists, the API) until SIGINT/SIGTERM. */
async function runProcess(role: 'start' | 'worker'): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  logger.info({ role, database: redactUrl(config.databaseUrl), redis: config.redisUrl, queuePrefix: config.queuePrefix }, 'scrubwatch starting');
  const ctx = await createContext(config, logger);
  // Launch now, so a missing browser stops the process at start rather than failing every job.
  await ctx.browser.get();
  const running = await startWorker(ctx);
  onShutdownSignal(logger, async () => {
    await running.close();
    await ctx.close();
  });
  // Keeps the process alive until the shutdown handler exits it.
  await new Promise<never>(() => undefined);
}

export function registerServe(program: Command): void {
  program
    .command('migrate')
    .description('apply the SQL migrations in sql/ (idempotent)')
    .option('--json', 'print what was applied as JSON')
    .action(async (flags: CommonFlags) => {
      const config = loadConfig();
      createLogger(config.logLevel);
      const pool = createPool(config.databaseUrl, { max: 2 });
      try {
        await assertDatabaseReachable(pool, config.databaseUrl);
        const result = await migrate(pool);
        output(flags, result, (r) =>
          r.applied.length ? `applied ${r.applied.join(', ')}` : `database is up to date (${r.alreadyApplied.length} migrations)`,
        );
      } finally {
        await pool.end();
      }
    });

  program
    .command('start')
    .description('run scrubwatch: workers and schedules (the API joins here when it lands)')
    .action(() => runProcess('start'));

  program
    .command('worker')
    .description('run capture workers and reconcile schedules; run several, on several machines, to scale out')
    .action(() => runProcess('worker'));
}
