import type { CaptureErrorCode } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';

/** What classifyOutcome reads of one capture; its own file so the rules it calls can name it without a cycle. */
export interface OutcomeInput {
  /** Main document HTTP status; null = no response. */
  status: number | null;
  /** Capture error, if any. */
  errorCode: CaptureErrorCode | null;
  /** Selected response headers, lower-cased names (set-cookie holds cookie names only). */
  headers: Record<string, string>;
  /** Title and main-content text blocks; null when no document was read. */
  facts: PageFacts | null;
  finalUrl: string;
}
