import { AppError } from './app-error.ts';

/** A target URL or one of its hops resolves to an address scrubwatch is not allowed to visit. */
export class BlockedUrlError extends AppError<'blocked_url'> {
  constructor(message: string) {
    super('blocked_url', message, { fault: 'input' });
  }
}
