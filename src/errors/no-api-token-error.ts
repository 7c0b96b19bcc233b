import { AppError } from './app-error.ts';

/** The server was asked to listen beyond loopback with no API token: anyone could use it. */
export class NoApiTokenError extends AppError<'no_tokens'> {
  constructor(host: string) {
    super('no_tokens', `refusing to listen on ${host} with no API token: create one first with \`scrubwatch tokens create --role admin\`, or listen on 127.0.0.1`);
  }
}
