import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Discovered, ReadSpec } from '../discovered.ts';
import type { ReadIo } from './read-source.ts';
import { contentLinks, documentBase, nextPage, parseHtmlStream } from './html-document.ts';
import { problem } from './problem.ts';

/** Largest listing page read, uncompressed. */
export const LISTING_MAX_BYTES = 5 * 1024 * 1024;
/** Most links kept from one listing page. */
export const LISTING_MAX_LINKS = 10_000;
const ACCEPT = 'text/html,application/xhtml+xml;q=0.9,*/*;q=0.5';

/**
 * The pages a listing links from its main content, over up to `spec.pages` pages followed by `spec.nextSelector`
 * or `rel="next"`; a next page already read ends the walk. Include/exclude filters are the run's, not this.
 */
export async function* readListing(spec: ReadSpec, io: ReadIo): AsyncGenerator<Discovered> {
  const read = new Set<string>();
  const yielded = new Set<string>();
  let url: string | null = spec.url;
  for (let page = 1; url !== null && page <= spec.pages; page++) {
    if (read.has(url)) {
      io.logger.debug({ url }, 'listing next page already read');
      return;
    }
    read.add(url);
    if (Date.now() >= io.deadline) {
      yield problem('timeout', url, `the source's time limit passed before listing page ${page}; the pages found so far are kept`);
      return;
    }
    const opened = await io.fetcher.open(url, { maxBytes: LISTING_MAX_BYTES, accept: ACCEPT, deadline: io.deadline });
    if (!opened.ok) {
      yield opened.problem;
      return;
    }
    const { file } = opened;
    try {
      if (file.contentType !== null && !/html|xml/i.test(file.contentType)) {
        yield problem('malformed', url, `not an HTML page (${file.contentType}); a listing source reads a page of links`);
        return;
      }
      const doc = await parseHtmlStream(file.chunks());
      const base = documentBase(doc, file.finalUrl);
      // Each walk of a large page's tree takes tens of milliseconds: the event loop gets a turn between them.
      await nextTurn();
      const { links, more } = contentLinks(doc, base, LISTING_MAX_LINKS);
      await nextTurn();
      for (const link of links) {
        if (yielded.has(link)) continue;
        yielded.add(link);
        yield { type: 'page', url: link, lastmod: null };
      }
      if (more) yield problem('too_many', url, `the page links more than ${LISTING_MAX_LINKS} pages; the first ${LISTING_MAX_LINKS} are kept`);
      // A page cut at its cap still gave its first part's links; say it was cut, and follow its next link if seen.
      if (file.stopped !== null) yield file.stopped;
      url = nextPage(doc, base, spec.nextSelector);
    } finally {
      await file.close();
    }
  }
}
