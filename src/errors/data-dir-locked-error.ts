import { AppError } from './app-error.ts';

/** Another live process owns the embedded data folder; two processes on one folder would corrupt it. */
export class DataDirLockedError extends AppError<'data_dir_locked'> {
  readonly pid: number;

  constructor(dataDir: string, pid: number, host: string, lockPath: string) {
    super(
      'data_dir_locked',
      `the data folder ${dataDir} is in use by scrubwatch process ${pid} on ${host}; stop that process, or set SCRUBWATCH_DATA_DIR to another folder (only if no such process runs, delete ${lockPath})`,
    );
    this.pid = pid;
  }
}
