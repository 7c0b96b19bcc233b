import { AppError } from './app-error.ts';

/** oEmbed answered 429, 5xx or nothing: try again later; never a removal. */
export class TransientTweetProbeError extends AppError<'tweet_probe_transient'> {
  readonly status: number | null;
  readonly retryAfterMs: number | null;

  constructor(detail: string, status: number | null, retryAfterMs: number | null) {
    super('tweet_probe_transient', `${detail}; the probe will be retried`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}
