/**
 * What loading one target produces, whichever fetcher loaded it. Plain data (JSON-safe but for Buffers), below
 * capture, extract and detect, so the store, the detector and the tests can use it without a browser.
 */

import type { CaptureRecording } from './exchange.ts';
import type { PageFacts } from './page-facts.ts';

export type FetcherKind = 'browser' | 'http';
/** What produced a snapshot: a fetcher, or for tweets the oEmbed probe or the embed's state seen on a page. */
export type SnapshotSource = FetcherKind | 'oembed' | 'page_render';

export interface RedirectHop {
  url: string;
  status: number;
}

/**
 * Why a capture produced no usable page. Network failures are recorded as such, never as removals. Stored in
 * snapshots, so the names are stable. Among them: `tls` a refused certificate or failed handshake (pages are never
 * captured over untrusted TLS); `timeout` the deadline, or a document that never finished (then what it showed
 * is kept as evidence); `too_large` a main document over the page limit, declared or counted while it arrived,
 * everything a page loaded over the capture's byte budget, or a page holding more memory than a capture may (the
 * message says which, and the limit); `too_many_redirects` a redirect loop (20 hops in the browser, 10 over plain
 * HTTP); `download` an attachment; `blocked_url` an address refused by the network policy, or not http(s).
 */
export type CaptureErrorCode =
  | 'dns'
  | 'refused'
  | 'reset'
  | 'tls'
  | 'timeout'
  | 'too_large'
  | 'too_many_redirects'
  | 'blocked_url'
  | 'download'
  | 'crashed'
  | 'network'
  | 'browser';

export interface CaptureFailure {
  code: CaptureErrorCode;
  message: string;
}

export interface MediaFile {
  url: string;
  contentType: string | null;
  data: Buffer;
  /** The photo's perceptual hash (src/detect/perceptual-hash.ts); null or absent when it could not be decoded. */
  perceptualHash?: string | null;
}

export interface CaptureResult {
  fetcher: SnapshotSource;
  requestedUrl: string;
  /** URL of the main document after redirects (the requested URL when nothing answered). */
  finalUrl: string;
  /** Every hop before the final document, in order, with the status that sent it on. */
  redirects: RedirectHop[];
  /** HTTP status of the main document; null when no response arrived. */
  status: number | null;
  /** Selected response headers of the main document, lower-cased names. */
  headers: Record<string, string>;
  startedAt: Date;
  durationMs: number;
  /** Set when the capture failed; the fields below then hold whatever was read before the failure. */
  error: CaptureFailure | null;
  /** Null when no document was read. */
  facts: PageFacts | null;
  /** The rendered DOM (browser) or the response body (http), as HTML. */
  html: string | null;
  /** The main text: the blocks' text joined by blank lines. */
  text: string | null;
  /** Full-page PNG, height-capped; null for the http fetcher or when none could be taken. */
  screenshot: Buffer | null;
  /** Photo and video files of the main content, each within the size cap, to keep as evidence. */
  mediaFiles: MediaFile[];
  /** Documents linked from the main content, read at this capture (src/watch/linked-documents.ts), to keep as evidence. */
  documentFiles?: MediaFile[];
  /** A source's raw answer kept as evidence (the oEmbed JSON of a tweet). */
  raw?: { data: Buffer; mediaType: string } | null;
  /**
   * Set to the request's `unchangedFrom` when the page read exactly as that snapshot: the screenshot and media
   * files were not taken, and the snapshot keeps pointing at the earlier ones.
   */
  sameAs?: string;
  /**
   * The HTTP exchanges the capture received (src/page-data/exchange.ts). Absent when the page read as before
   * (`sameAs`: the earlier snapshot's recording stands) or nothing was recorded (a source's raw answer).
   */
  recording?: CaptureRecording;
}
