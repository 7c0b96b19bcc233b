import { AppError } from './app-error.ts';

/** Input from a person or a file (a URL, a flag, a field) is not acceptable; the message names the field. */
export class InvalidInputError extends AppError<'invalid_input'> {
  readonly field: string;

  constructor(field: string, message: string) {
    super('invalid_input', message, { fault: 'input' });
    this.field = field;
  }
}
