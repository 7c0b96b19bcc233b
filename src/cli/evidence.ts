import type { Command } from 'commander';
import { planAlertPackage, planSnapshotPackage, type PackagePlan } from '../evidence/evidence-snapshots.ts';
import { packageDeps } from '../evidence/package-deps.ts';
import { writePackageFile, type PackageFileReport } from '../evidence/package-file.ts';
import { createStageProgress } from './progress.ts';
import { output, parseId, withPool, type CommonFlags } from './runtime.ts';

interface PackageFlags extends CommonFlags {
  output: string;
}

function describe(r: PackageFileReport): string {
  const proof = r.signed ? `signed${r.timestamped ? ' and timestamped' : ''}` : 'unsigned';
  return `wrote ${r.path}: ${r.bytes} bytes, ${r.snapshots} snapshot${r.snapshots === 1 ? '' : 's'}, ${r.records} WARC records, ${proof}\nsha256 ${r.sha256}\ncheck it with: scrubwatch verify ${r.path}`;
}

/** Writes a package to `flags.output` with progress on a terminal (none with --json), then prints the report. */
async function exportPackage(flags: PackageFlags, plan: (pool: Parameters<typeof planAlertPackage>[0]) => Promise<PackagePlan>): Promise<void> {
  const progress = createStageProgress(!flags.json);
  const report = await withPool(async (pool, config, logger) => {
    try {
      return await writePackageFile(flags.output, () => plan(pool), (scratchDir) => packageDeps(pool, config, logger, scratchDir, progress));
    } finally {
      progress.end();
    }
  });
  output(flags, report, describe);
}

/** `scrubwatch evidence ALERT_ID -o FILE.wacz`: an alert's proof as a signed WACZ package. */
export function registerEvidence(program: Command): void {
  program
    .command('evidence <alert-id>')
    .description("write an alert's proof — its last-with, first-without and confirming snapshots — as a signed WACZ 1.1.1 package that ReplayWeb.page opens")
    .requiredOption('-o, --output <file>', 'the package to write (a new file; ending .wacz)')
    .option('--json', 'print {path, bytes, sha256, snapshots, records, signed, timestamped} as JSON')
    .action(async (id: string, flags: PackageFlags) => {
      const alertId = parseId(id, 'alert id');
      await exportPackage(flags, (pool) => planAlertPackage(pool, alertId));
    });
}

/** `scrubwatch snapshots export SNAPSHOT_ID -o FILE.wacz`: one snapshot as a signed WACZ package. */
export function registerSnapshotExport(snapshots: Command): void {
  snapshots
    .command('export <snapshot-id>')
    .description('write one snapshot as a signed WACZ 1.1.1 package that ReplayWeb.page opens')
    .requiredOption('-o, --output <file>', 'the package to write (a new file; ending .wacz)')
    .option('--json', 'print {path, bytes, sha256, snapshots, records, signed, timestamped} as JSON')
    .action(async (id: string, flags: PackageFlags) => {
      const snapshotId = parseId(id, 'snapshot id');
      await exportPackage(flags, (pool) => planSnapshotPackage(pool, snapshotId));
    });
}
