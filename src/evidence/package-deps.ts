import type { Logger } from 'pino';
import type { Config } from '../config.ts';
import type { Pool } from '../db/pool.ts';
import { recordingForSnapshot } from '../db/capture-exchanges.ts';
import type { StageProgress } from '../progress.ts';
import { digestDatapackage, loadPackageSigner } from './sign-package.ts';
import type { WaczDeps } from './write-wacz.ts';

/**
 * What writing a package needs from the installation: each snapshot's recorded exchanges, and its signing key (and
 * time-stamping authority) for datapackage-digest.json. One place, for the CLI and the API alike.
 */
export async function packageDeps(pool: Pool, config: Config, logger: Logger, scratchDir: string, progress?: StageProgress): Promise<WaczDeps> {
  const signer = await loadPackageSigner(pool, config, logger);
  return {
    db: pool,
    recordingOf: (snapshotId) => recordingForSnapshot(pool, snapshotId),
    async digest(bytes) {
      const digest = await digestDatapackage(signer, bytes);
      return { digest, signed: true, timestamped: digest.signedData.timestamp !== undefined };
    },
    scratchDir,
    progress,
  };
}
