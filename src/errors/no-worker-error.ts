import { AppError } from './app-error.ts';

/** A check through the queue found no worker taking jobs under the queue prefix: nothing would ever answer it. */
export class NoWorkerError extends AppError<'no_worker'> {
  constructor(prefix: string) {
    super('no_worker', `no worker is taking jobs on queue prefix "${prefix}": start one with \`scrubwatch worker\`, or run this check with --inline`);
  }
}
