/**
 * One HTTP exchange a capture received — the main document, a redirect hop, or a subresource the page loaded — as
 * the evidence package (WARC `request`/`response` records) needs it. Plain data, below capture and the store.
 *
 * Bodies are kept decoded (after Content-Encoding), as the browser hands them over; the headers are kept exactly as
 * received, so a writer that frames the body must say so (WARC writers drop `Content-Encoding` and
 * `Transfer-Encoding` and set `Content-Length` to the decoded size, as browsertrix-crawler does).
 */
export interface ExchangeHead {
  url: string;
  method: string;
  /** The request's headers as sent, in order; names as the wire had them. */
  requestHeaders: Array<[string, string]>;
  /** `HTTP/1.1`, `HTTP/2` …, as the response said; `HTTP/1.1` when unknown. */
  httpVersion: string;
  status: number;
  statusText: string;
  /** The response's headers as received, in order. */
  responseHeaders: Array<[string, string]>;
  /** When the request was sent (ISO 8601). */
  startedAt: string;
  /** What the page used it as: `document`, `image`, `script`, `stylesheet`, `media`, `fetch` …; `document` for http. */
  resourceType: string;
  /** Why the body was not kept, when it was not: over the per-file or per-capture cap, gone from the browser, or none. */
  bodyOmitted?: 'too_large' | 'unavailable' | 'no_body';
}

/** An exchange as a fetcher hands it to the store: the body's bytes, or null when not kept. */
export interface CapturedExchange extends ExchangeHead {
  body: Buffer | null;
}

/** An exchange as stored: the body is a blob named by its SHA-256 (hex). */
export interface RecordedExchange extends ExchangeHead {
  body: { sha256: string; bytes: number; mediaType: string } | null;
}

/** Who recorded a capture, for the evidence package's provenance. */
export interface CaptureProvenance {
  /** `Chromium/156.0.8078.73`, or `scrubwatch-http` for the plain-HTTP fetcher. */
  browserVersion: string;
  userAgent: string;
  /** The capturing machine's host name (os.hostname()). */
  captureHost: string;
}

/** A capture's recording: its exchanges in the order they were sent, and who recorded them. */
export interface CaptureRecording extends CaptureProvenance {
  exchanges: CapturedExchange[];
}
