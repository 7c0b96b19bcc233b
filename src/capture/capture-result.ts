import { AppError } from '../errors.ts';
import type { CaptureFailure, CaptureResult, FetcherKind, PageFacts } from './types.ts';

/**
 * A failure a fetcher decided on itself (too large, blocked hop, too many redirects), thrown to leave the capture
 * early and turned into `result.error`; it never escapes a fetcher.
 */
export class CaptureStop extends AppError {
  readonly failure: CaptureFailure;

  constructor(failure: CaptureFailure) {
    super(`capture_${failure.code}`, failure.message);
    this.failure = failure;
  }
}

/** A capture result before it is finished: filled in as the capture goes, so a failure keeps what was read. */
export function startResult(fetcher: FetcherKind, requestedUrl: string): CaptureResult {
  return {
    fetcher,
    requestedUrl,
    finalUrl: requestedUrl,
    redirects: [],
    status: null,
    headers: {},
    startedAt: new Date(),
    durationMs: 0,
    error: null,
    facts: null,
    html: null,
    text: null,
    screenshot: null,
    mediaFiles: [],
  };
}

/**
 * A finished copy of `draft`, with its duration and `error` (if any) set. Copying matters for the browser: work
 * cut off by the deadline may still write to the draft after the result has been handed back.
 */
export function finishResult(draft: CaptureResult, error: CaptureFailure | null): CaptureResult {
  return {
    ...draft,
    redirects: [...draft.redirects],
    mediaFiles: [...draft.mediaFiles],
    error,
    durationMs: Date.now() - draft.startedAt.getTime(),
  };
}

/** The capture's main text: the blocks' text joined by blank lines. */
export function mainText(facts: PageFacts): string {
  return facts.blocks.map((b) => b.text).join('\n\n');
}
