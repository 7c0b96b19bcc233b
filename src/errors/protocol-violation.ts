import { AppError } from './app-error.ts';

/**
 * A client of the embedded database sent bytes that are not Postgres wire protocol (a message length out of
 * bounds); the connection cannot be framed any further and is closed.
 */
export class ProtocolViolation extends AppError<'protocol_violation'> {
  constructor(message: string) {
    super('protocol_violation', message);
  }
}
