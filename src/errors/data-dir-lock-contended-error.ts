import { AppError } from './app-error.ts';

/** The lock of the embedded data folder kept changing hands while this process tried to take it. */
export class DataDirLockContendedError extends AppError<'data_dir_lock_contended'> {
  constructor(dataDir: string) {
    super('data_dir_lock_contended', `could not lock the data folder ${dataDir}: other processes kept taking it; try again`);
  }
}
