import { dirname, resolve } from 'node:path';
import { openAtomicFile, cannotWrite } from '../files/atomic-file.ts';
import { AppError } from '../errors/index.ts';
import type { PackagePlan } from './evidence-snapshots.ts';
import { writeWacz, type WaczDeps, type WaczReport } from './write-wacz.ts';

/** What `scrubwatch evidence --json` and `snapshots export --json` print. */
export interface PackageFileReport extends WaczReport {
  path: string;
}

/**
 * Writes a package to a new file at `path`: refused when anything is there already (a file, a folder, a symbolic
 * link), written under a temporary name beside it (the WARC's scratch file too, so a full disk shows on the disk
 * asked for) and linked into place only once whole. Whatever fails — an unknown id, a full disk, the time-stamping
 * authority — nothing is left under the asked name and the temporary files are removed.
 */
export async function writePackageFile(path: string, plan: () => Promise<PackagePlan>, deps: (scratchDir: string) => Promise<WaczDeps>): Promise<PackageFileReport> {
  const file = await openAtomicFile(path, { replace: false, field: 'output' });
  try {
    const report = await writeWacz(await plan(), await deps(dirname(resolve(path))), file.stream);
    await file.commit();
    return { path, ...report };
  } catch (err) {
    await file.discard();
    const code = (err as NodeJS.ErrnoException).code;
    throw typeof code === 'string' && !(err instanceof AppError) ? cannotWrite(path, err, 'output') : err;
  }
}
