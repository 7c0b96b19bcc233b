/** What a fetcher is asked for and held to; what it produces is src/page-data/capture-result.ts. */

import type { FetcherKind } from '../page-data/capture-result.ts';

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
  /**
   * Whether to record the HTTP exchanges the page received (CaptureResult.recording); default true. False only
   * where the cost of recording is measured (bench/recording.ts).
   */
  record?: boolean | undefined;
  /**
   * Plain HTTP only: the validators of the last full capture, sent as If-None-Match / If-Modified-Since (the cheap
   * tier's conditional request). A 304 answer ends the fetch without a body: status 304, no facts.
   */
  conditional?: { etag: string | null; lastModified: string | null } | undefined;
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
