import { AppError } from './app-error.ts';

/**
 * A job queued to be waited on (a check, a source's read) found no worker taking jobs under the queue prefix:
 * nothing would ever answer it. `inline` says whether the caller could run the work itself (`check --inline`).
 */
export class NoWorkerError extends AppError<'no_worker'> {
  constructor(prefix: string, options: { inline: boolean } = { inline: true }) {
    const instead = options.inline ? ', or run this check with --inline' : ' (or `scrubwatch start`), then run this again';
    super('no_worker', `no worker is taking jobs on queue prefix "${prefix}": start one with \`scrubwatch worker\`${instead}`);
  }
}
