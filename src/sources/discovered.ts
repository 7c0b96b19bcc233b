/**
 * What the readers of src/sources/read/ hand the run (src/sources/run-source.ts): pages a source lists, and the
 * problems met on the way. A reader never throws for what a source served: a bomb, a loop or a malformed file is
 * a problem yielded in the stream, so every page found before it (and in the source's other files) is kept.
 */

/** The kinds of source: a sitemap (or a site whose robots.txt names sitemaps), a feed, a listing page, an archive prefix. */
export const SOURCE_KINDS = ['sitemap', 'feed', 'listing', 'archive'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** One page a source lists, as it lists it (absolute, not yet normalised or filtered). */
export interface DiscoveredPage {
  type: 'page';
  url: string;
  /** The sitemap's `lastmod`, or the feed item's updated/published date; null when the source gives none. */
  lastmod: Date | null;
  /** Archive sources: the newest successful HTML copy the index holds, as YYYYMMDDhhmmss (UTC). */
  archiveTimestamp?: string;
}

/**
 * Why reading stopped short somewhere (one file, one page, the whole source). `code` is stable: logs, the run
 * result and `sources show` carry it.
 */
export interface SourceProblem {
  type: 'problem';
  code: SourceProblemCode;
  /** Which file or request it was about. */
  url: string;
  /** What happened and, where there is something to do, what to do. */
  message: string;
}

export type SourceProblemCode =
  /** The network policy refused the address (a private network), or a redirect to one. */
  | 'blocked_url'
  /** robots.txt disallows reading it (`--ignore-robots` when the operator decides otherwise). */
  | 'robots_disallowed'
  /** DNS, connection or TLS failure. */
  | 'network'
  /** No answer, or an answer that did not end, in time. */
  | 'timeout'
  /** The answer was not 2xx. */
  | 'http_status'
  /** Over a byte cap (compressed or uncompressed). */
  | 'too_large'
  /** Over an element cap: URLs per sitemap file, links per listing, rows per archive answer. */
  | 'too_many'
  /** A sitemap index nested deeper than the protocol allows, or named a file already read. */
  | 'too_deep'
  | 'loop'
  /** Not XML, not a sitemap, not a feed, not a CDX answer; or XML that declares entities (never expanded). */
  | 'malformed';

export type Discovered = DiscoveredPage | SourceProblem;

/** How a source is read: what a reader needs of the stored source. */
export interface ReadSpec {
  kind: SourceKind;
  url: string;
  /** Sitemap `lastmod` / archive capture lower bound: older entries are passed over. */
  since: Date | null;
  /** Listing sources: the CSS selector of the next page's link (else `rel="next"`), and the most pages read. */
  nextSelector: string | null;
  pages: number;
}
