/**
 * The capture contract: what loading one target produces, whichever fetcher loaded it. Everything here is plain
 * data (JSON-safe but for Buffers) so the store, the detector and the tests can use it without a browser.
 */

export type FetcherKind = 'browser' | 'http';
/** What produced a snapshot: a fetcher, or for tweets the oEmbed probe or the embed's state seen on a page. */
export type SnapshotSource = FetcherKind | 'oembed' | 'page_render';

export interface CaptureRequest {
  url: string;
  fetcher: FetcherKind;
  /** Hard limit on the whole capture, in milliseconds. */
  timeoutMs: number;
  /** CSS selector to wait for (bounded by the timeout) before reading the page. */
  waitFor?: string | undefined;
  /** CSS selectors whose elements are dropped before text, media, links and embeds are read. */
  ignore: string[];
  /**
   * The fingerprint of the target's last snapshot in which the site answered. When the page reads the same, the
   * browser skips what only a changed page needs (the screenshot and the media files) and sets `sameAs`.
   */
  unchangedFrom?: string | undefined;
}

export interface RedirectHop {
  url: string;
  status: number;
}

export type TextBlockKind = 'heading' | 'paragraph' | 'caption' | 'list-item' | 'quote' | 'preformatted';

export interface TextBlock {
  kind: TextBlockKind;
  /** Whitespace-collapsed visible text. */
  text: string;
  /** Whether a readability pass counts the block as part of the article; absent on snapshots stored before this existed. */
  main?: boolean;
}

export interface MediaItem {
  kind: 'image' | 'video';
  /** Absolute URL of the file (for images, the source the browser chose). */
  url: string;
  alt: string | null;
  caption: string | null;
  /** Whether the file loaded and decoded (images: naturalWidth > 0); null when unknown (http fetcher). */
  loaded: boolean | null;
  /** HTTP status of the file's response, when it was requested. */
  status: number | null;
  /** SHA-256 of the stored file, set by the store when the file was kept as evidence. */
  sha256?: string | null;
}

export interface LinkItem {
  url: string;
  text: string;
}

export interface EmbeddedTweet {
  /** The tweet's numeric status id, as a string. */
  statusId: string;
  /** Author handle without the @, when the link names one. */
  author: string | null;
  url: string;
  /** The blockquote's fallback text. */
  text: string | null;
  /** The date line of the blockquote, as written. */
  date: string | null;
  /** Whether the embed script turned it into a rendered iframe. */
  rendered: boolean;
  /**
   * Whether the embed script marked it `twitter-tweet-error` — what it does for a deleted, protected or suspended
   * tweet. Absent on snapshots from before this was read.
   */
  error?: boolean;
}

/** What a page says, read from its DOM: the facts the change record compares. */
export interface PageFacts {
  title: string | null;
  canonicalUrl: string | null;
  /** Main-content blocks, in document order. */
  blocks: TextBlock[];
  media: MediaItem[];
  links: LinkItem[];
  embeds: EmbeddedTweet[];
  /**
   * What was left out of a page too big to read whole, one line each (a list cut at its cap, main content not
   * told apart in a document of too many elements; see src/extract/caps.ts). Absent when nothing was.
   */
  truncated?: string[];
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
  /** A source's raw answer kept as evidence (the oEmbed JSON of a tweet). */
  raw?: { data: Buffer; mediaType: string } | null;
  /**
   * Set to the request's `unchangedFrom` when the page read exactly as that snapshot: the screenshot and media
   * files were not taken, and the snapshot keeps pointing at the earlier ones.
   */
  sameAs?: string;
}

/** Bounds every capture respects, taken from the Config; the fetchers never read the Config themselves. */
export interface CaptureLimits {
  /** Whether targets and their redirect hops may resolve to loopback, private or link-local addresses. */
  allowPrivateNetworks: boolean;
  /** CIDRs reachable although private (SCRUBWATCH_ALLOWED_NETWORKS); unset: none. */
  allowedNetworks?: readonly string[];
  /** DNS servers that resolve target hosts (SCRUBWATCH_DNS_SERVERS); unset: the system resolver. */
  dnsServers?: readonly string[];
  /** Largest main document accepted, in bytes; a larger one ends the capture with `too_large`. */
  maxPageBytes: number;
  /**
   * Most a capture may load in all, in decoded bytes: every frame and subresource of the page together (after
   * Content-Encoding, so a compressed bomb counts at its inflated size); past it the capture ends with `too_large`.
   */
  maxCaptureBytes: number;
  /** Largest single photo or video file kept in `mediaFiles`, in bytes. */
  maxMediaBytes: number;
  /** Screenshots taller than this, in CSS pixels, are cut at this height. */
  screenshotMaxHeight: number;
  /**
   * How long the browser's egress proxy waits to connect to a site and for its answer to begin, in milliseconds
   * (default 30 s). An answer under way is never cut for silence before the capture's deadline.
   */
  connectTimeoutMs?: number;
}
