import type { Command } from 'commander';
import { migrate } from '../db/migrate.ts';
import type { LoadProcessors } from '../app/processors.ts';
import { output, withPool, type CommonFlags } from './runtime.ts';

/** The long-running roles, loaded only when one is asked for: they bring in everything. */
async function runProcess(role: 'start' | 'worker' | 'api', loadProcessors: LoadProcessors): Promise<void> {
  const { runProcess: run } = await import('./run-process.ts');
  await run(role, loadProcessors);
}

export function registerServe(program: Command, loadProcessors: LoadProcessors): void {
  program
    .command('migrate')
    .description('apply the SQL migrations in sql/, and the queue schema when the queues live in Postgres (idempotent)')
    .option('--json', 'print what was applied as JSON')
    .action(async (flags: CommonFlags) => {
      const result = await withPool(async (pool, config) => {
        const applied = await migrate(pool);
        if (config.mode === 'redis') return applied;
        const { migrateQueueSchema } = await import('../queue/postgres-backend.ts');
        return { ...applied, queueSchemaVersion: await migrateQueueSchema(pool, config.queueSchema) };
      }, { migrateEmbedded: false });
      output(flags, result, (r) =>
        r.applied.length ? `applied ${r.applied.join(', ')}` : `database is up to date (${r.alreadyApplied.length} migrations)`,
      );
    });

  program
    .command('start')
    .description('run scrubwatch: workers, schedules, the API and the review UI (HOST:PORT)')
    .action(() => runProcess('start', loadProcessors));

  program
    .command('api')
    .description('run the API and the review UI alone, without workers')
    .action(() => runProcess('api', loadProcessors));

  program
    .command('worker')
    .description('run capture workers and reconcile schedules; run several, on several machines, to scale out')
    .action(() => runProcess('worker', loadProcessors));
}
