import { Option, type Command } from 'commander';
import { InvalidInputError } from '../errors/index.ts';
import { FETCHERS, type Fetcher } from '../target-model/fetchers.ts';
import { parseImportFile, readImportSource, type ImportFormat } from '../targets/import-file.ts';
import type { ImportDefaults, ImportPlan, ImportReport } from '../targets/import-targets.ts';
import { createStageProgress } from './progress.ts';
import { collect, note, output, withContext, withPool, type CommonFlags } from './runtime.ts';

const FORMATS = ['auto', 'csv', 'lines'] as const;

interface ImportFlags extends CommonFlags {
  format: ImportFormat | 'auto';
  every?: string;
  cron?: string;
  fetcher?: Fetcher;
  tag: string[];
  skipInvalid?: boolean;
  dryRun?: boolean;
}

/** Bad rows listed in the human form; `--json` always carries all of them. */
const SHOWN_INVALID = 50;

function describeInvalid(report: ImportReport): string {
  const lines = report.invalid.slice(0, SHOWN_INVALID).map((r) => `line ${r.line}, ${r.field}: ${r.message}`);
  const more = report.invalid.length - SHOWN_INVALID;
  if (more > 0) lines.push(`… and ${more} more (--json lists them all)`);
  return lines.join('\n');
}

function summary(report: ImportReport): string {
  const verb = report.dryRun ? 'would import' : 'imported';
  return `${verb} ${report.imported} targets (${report.skippedDuplicates} duplicates skipped, ${report.invalid.length} invalid rows)`;
}

function dryRunReport(plan: ImportPlan, watched: number): ImportReport {
  return { imported: plan.valid.length - watched, skippedDuplicates: plan.repeated + watched, invalid: plan.invalid, dryRun: true, warnings: plan.warnings };
}

/**
 * Prints the report: one JSON document on stdout with --json, else bad rows and warnings on stderr and a summary on
 * stdout.
 */
function print(flags: ImportFlags, report: ImportReport): void {
  if (!flags.json && report.invalid.length) output(flags, report, describeInvalid, process.stderr);
  output(flags, report, summary);
  note(flags, report.warnings);
}

/** Refuses the whole import (exit 2) when any row is bad, unless --skip-invalid. */
function assertImportable(flags: ImportFlags, plan: ImportPlan): void {
  if (plan.invalid.length === 0 || flags.skipInvalid) return;
  const report: ImportReport = { imported: 0, skippedDuplicates: plan.repeated, invalid: plan.invalid, dryRun: flags.dryRun ?? false, warnings: plan.warnings };
  output(flags, report, describeInvalid, flags.json ? process.stdout : process.stderr);
  throw new InvalidInputError(
    'file',
    `${plan.invalid.length} rows are invalid, so nothing was imported; fix them, or pass --skip-invalid to import the ${plan.valid.length} valid rows`,
  );
}

/** `scrubwatch targets import <file>`: many targets from a list of URLs or a CSV, validated as `targets add` does. */
export function registerImport(targets: Command): void {
  targets
    .command('import <file>')
    .description('watch many pages at once, from a file of URLs (one a line) or a CSV with a header row; - reads stdin')
    .addOption(new Option('--format <format>', 'auto (CSV when the first line names a url column), csv or lines').choices(FORMATS).default('auto'))
    .option('--every <duration>', 'interval for rows that give neither every nor cron (default SCRUBWATCH_DEFAULT_EVERY)')
    .option('--cron <pattern>', 'cron pattern (UTC) for rows that give neither every nor cron')
    .addOption(new Option('--fetcher <kind>', 'browser or http, for rows that give none').choices(FETCHERS))
    .option('--tag <tag>', 'a tag added to every row (repeatable)', collect, [])
    .option('--skip-invalid', 'import the valid rows and report the bad ones, instead of importing nothing')
    .option('--dry-run', 'validate every row and report what would be imported, storing nothing')
    .option('--json', 'print one JSON document: imported, skippedDuplicates, invalid, ids, warnings')
    .action(async (file: string, flags: ImportFlags) => {
      const parsed = parseImportFile(await readImportSource(file), flags.format);
      const defaults: ImportDefaults = { every: flags.every, cron: flags.cron, fetcher: flags.fetcher, tags: flags.tag };
      // Loaded here, not with the CLI: it brings in the queues.
      const { countWatched, planImport, storeImport } = await import('../targets/import-targets.ts');
      if (flags.dryRun) {
        await withPool(async (pool, config) => {
          const plan = await planImport(config, parsed, defaults);
          assertImportable(flags, plan);
          print(flags, dryRunReport(plan, await countWatched(pool, plan)));
        });
        return;
      }
      await withContext(async (ctx) => {
        const plan = await planImport(ctx.config, parsed, defaults);
        assertImportable(flags, plan);
        const progress = createStageProgress(!flags.json);
        try {
          print(flags, await storeImport(ctx, plan, progress));
        } finally {
          progress.end();
        }
      });
    });
}
