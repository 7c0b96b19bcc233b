import { AppError } from './app-error.ts';

/** An import would mix an export into an installation that already holds data. */
export class ImportTargetNotEmptyError extends AppError<'import_target_not_empty'> {
  constructor(table: string) {
    super(
      'import_target_not_empty',
      `the database already holds ${table}; import only into a new installation (an empty database, or a new SCRUBWATCH_DATA_DIR), so nothing of either is lost or mixed`,
    );
  }
}
