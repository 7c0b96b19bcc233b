import { AppError } from './app-error.ts';

/** A migration file failed to apply; its transaction was rolled back, so the schema stands as it was before it. */
export class MigrationFailedError extends AppError<'migration_failed'> {
  constructor(file: string, cause: unknown) {
    super('migration_failed', `migration ${file} failed: ${(cause as Error).message}`, { cause });
  }
}
