import { AppError } from './app-error.ts';

/** An id given on the command line or in a job names nothing. */
export class NotFoundError extends AppError<'not_found'> {
  /** `listedBy` is the command that lists what exists, when it is not `scrubwatch <what>s list`. */
  constructor(what: string, id: number | string, listedBy = `scrubwatch ${what}s list`) {
    super('not_found', `${what} ${id} does not exist; list them with \`${listedBy}\``, { fault: 'input' });
  }
}
