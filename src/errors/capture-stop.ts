import type { CaptureErrorCode, CaptureFailure } from '../page-data/capture-result.ts';
import { AppError } from './app-error.ts';

/**
 * A failure a fetcher decided on itself (too large, blocked hop, too many redirects), thrown to leave the capture
 * early and turned into `result.error`; it never escapes a fetcher.
 */
export class CaptureStop extends AppError<`capture_${CaptureErrorCode}`> {
  readonly failure: CaptureFailure;

  constructor(failure: CaptureFailure) {
    super(`capture_${failure.code}`, failure.message);
    this.failure = failure;
  }
}
