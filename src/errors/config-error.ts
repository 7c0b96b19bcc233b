import { AppError } from './app-error.ts';

/** A configuration variable is missing or malformed; the message names every bad variable. */
export class ConfigError extends AppError<'config_invalid'> {
  constructor(message: string) {
    super('config_invalid', message, { fault: 'input' });
  }
}
