import type { Command } from 'commander';
import { migrate, migrationFiles } from '../db/migrate.ts';
import { exportDatabase, type ExportReport } from '../transfer/export-database.ts';
import { createExportWriter, readExportLines, STDIO } from '../transfer/export-file.ts';
import { importDatabase, type ImportReport } from '../transfer/import-database.ts';
import { reindexArchive } from '../search/reindex.ts';
import type { ReconcileResult } from '../queue/schedules.ts';
import { AppError, DataDirLockedError } from '../errors/index.ts';
import { createStageProgress } from './progress.ts';
import { output, withContext, withPool, type CommonFlags } from './runtime.ts';

interface ExportFlags extends CommonFlags {
  force?: boolean;
}

/**
 * The embedded database serves one session at a time, and an export or import holds it for as long as it reads or
 * writes: long enough that a running scrubwatch process's own queries would give up waiting. Both open the data
 * folder themselves, so they refuse while a process owns it, saying what to do.
 */
const EXCLUSIVE = { embedded: 'own' } as const;

function explainLocked(command: string): (err: unknown) => never {
  return (err) => {
    if (!(err instanceof DataDirLockedError)) throw err;
    throw new AppError(
      err.code,
      `scrubwatch ${command} needs the embedded database to itself, and scrubwatch process ${err.pid} is running on it: stop that process (Ctrl-C or SIGTERM), run ${command} again, then start it again`,
      { cause: err },
    );
  };
}

const total = (rows: Record<string, number>) => Object.values(rows).reduce((a, b) => a + b, 0);

function describeRows(rows: Record<string, number>): string {
  return `targets: ${rows.targets ?? 0}, snapshots: ${rows.snapshots ?? 0}, alerts: ${rows.alerts ?? 0}, blobs: ${rows.blobs ?? 0} (${total(rows)} rows in all)`;
}

export function registerTransfer(program: Command): void {
  program
    .command('export')
    .description('write every target, snapshot (with its blobs), alert, subscription and token to one file, to move an installation (e.g. embedded → Postgres)')
    .argument('<file>', 'where to write: a path (ending .gz to compress), or - for standard output')
    .option('--force', 'replace the file if it exists')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: ExportFlags) => {
      const writer = await createExportWriter(file, flags.force ?? false);
      const progress = createStageProgress(!flags.json && file !== STDIO);
      const result = await withPool(async (pool) => {
        try {
          const exported = await exportDatabase(pool, writer.sink, progress);
          return { file, bytes: await writer.finish(), ...exported };
        } finally {
          progress.end();
        }
      }, EXCLUSIVE).catch(async (err: unknown) => {
        await writer.abort();
        return explainLocked('export')(err);
      });
      // When the export itself is on standard output, the report goes to standard error so the data stays clean.
      const stream = file === STDIO ? process.stderr : process.stdout;
      output(flags, result, (r: ExportReport & { bytes: number }) => `exported ${describeRows(r.rows)} to ${file}${r.bytes ? ` (${r.bytes} bytes)` : ''}`, stream);
    });

  program
    .command('import')
    .description('load a file written by `scrubwatch export` into this installation, which must be empty; blobs are checked against their hashes')
    .argument('<file>', 'an export file (ending .gz if compressed), or - for standard input')
    .option('--json', 'print the report as JSON')
    .action(async (file: string, flags: CommonFlags) => {
      const lines = readExportLines(file);
      const result = await withContext(async (ctx) => {
        await migrate(ctx.pool);
        const progress = createStageProgress(!flags.json);
        let imported: ImportReport;
        try {
          imported = await importDatabase(ctx.pool, lines, await migrationFiles(), progress);
          // The search index is not in the file: it is derived from the snapshots, so it is rebuilt from them.
          await reindexArchive(ctx.pool, progress);
        } finally {
          progress.end();
        }
        // Postgres is the source of truth: the queue learns the imported targets' schedules, first captures still
        // owed and rechecks of suspected removals now, not at the next worker start.
        const { reconcileTargetSchedules, resumePendingCaptures } = await import('../queue/schedules.ts');
        const schedules: ReconcileResult = await reconcileTargetSchedules(ctx.pool, ctx);
        const resumed = await resumePendingCaptures(ctx.pool, ctx, ctx.config.confirmDelayMs);
        return { file, ...imported, schedules, resumed };
      }, EXCLUSIVE).catch(explainLocked('import'));
      output(flags, result, (r) => `imported ${describeRows(r.rows)} from ${file}; blobs checked against their hashes: ${r.blobsVerified}; schedules created: ${r.schedules.created}`);
    });
}
