import { AppError } from './app-error.ts';

/** An id given on the command line or in a job names nothing. */
export class NotFoundError extends AppError<'not_found'> {
  constructor(what: string, id: number | string) {
    super('not_found', `${what} ${id} does not exist; list them with \`scrubwatch ${what}s list\``, { fault: 'input' });
  }
}
