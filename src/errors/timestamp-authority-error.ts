import { AppError } from './app-error.ts';

/**
 * What went wrong with the RFC 3161 time-stamping authority: `unreachable` (no connection, or an HTTP error
 * status), `timeout`, `too_large` (an answer past the byte cap), `refused` (the authority answered with a status
 * other than granted), `malformed` (not a TimeStampResp), `mismatch` (a token for other data, another nonce, or a
 * signature that does not check).
 */
export type TimestampProblem = 'unreachable' | 'timeout' | 'too_large' | 'refused' | 'malformed' | 'mismatch';

/**
 * The time-stamping authority (SCRUBWATCH_TSA_URL) did not stamp an evidence package. Nothing is written: a
 * package asked to be timestamped is never left unstamped.
 */
export class TimestampAuthorityError extends AppError<'timestamp_failed'> {
  readonly problem: TimestampProblem;

  constructor(problem: TimestampProblem, detail: string, options?: { cause?: unknown }) {
    super(
      'timestamp_failed',
      `the time-stamping authority did not stamp the package (${problem}: ${detail}); no package was written — try again later, or set SCRUBWATCH_TSA_URL to another authority or unset it to sign without a timestamp`,
      options,
    );
    this.problem = problem;
  }
}
