import type { Logger } from 'pino';
import type { Discovered, ReadSpec } from '../discovered.ts';
import type { DiscoveryFetcher } from './discovery-fetch.ts';
import { readCdx } from './read-cdx.ts';
import { readFeed } from './read-feed.ts';
import { readListing } from './read-listing.ts';
import { readSitemap } from './read-sitemap.ts';

/** What a read is given: the fetcher (policy, politeness, robots, caps), the CDX endpoint and a deadline. */
export interface ReadIo {
  fetcher: DiscoveryFetcher;
  /** The Wayback CDX API (config.waybackCdxUrl), for archive sources. */
  cdxUrl: string;
  logger: Logger;
  /** Epoch ms by which the whole read ends; what was found before it is kept and a `timeout` problem yielded. */
  deadline: number;
}

const READERS = { sitemap: readSitemap, feed: readFeed, listing: readListing, archive: readCdx } as const;

/**
 * The pages `spec` lists, as a stream: pages as they are found, problems where reading stopped short. It never
 * throws for what a source served; only programming errors and the caller's abort throw.
 */
export function readSource(spec: ReadSpec, io: ReadIo): AsyncGenerator<Discovered> {
  return READERS[spec.kind](spec, io);
}
