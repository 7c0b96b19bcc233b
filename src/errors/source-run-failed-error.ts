import { AppError } from './app-error.ts';

/** A read of a source asked for now (`sources run`, the API) did not finish: it failed, or was not taken in time. */
export class SourceRunFailedError extends AppError<'source_run_failed'> {
  readonly sourceId: number;

  constructor(sourceId: number, reason: string) {
    super('source_run_failed', `reading source ${sourceId} failed: ${reason}; see \`scrubwatch sources show ${sourceId}\` and the worker's log`);
    this.sourceId = sourceId;
  }
}
