import type { Discovered, DiscoveredPage, ReadSpec } from '../discovered.ts';
import type { ReadIo } from './read-source.ts';
import { problem } from './problem.ts';
import { parseSitemapXml } from './sitemap-xml.ts';

/** The sitemap protocol's limits per file. */
export const SITEMAP_MAX_URLS = 50_000;
export const SITEMAP_MAX_BYTES = 50 * 1024 * 1024;
/** How deep sitemap indexes are followed: the spec's file is depth 0, an index's children one deeper. */
export const SITEMAP_MAX_DEPTH = 3;
/** Most sitemap files one read opens (an index of indexes could name millions). */
export const SITEMAP_MAX_FILES = 1_000;
const ACCEPT = 'application/xml,text/xml;q=0.9,*/*;q=0.5';

interface SitemapFile {
  url: string;
  depth: number;
  /** The spec's own URL: when it is not a sitemap, its robots.txt's `Sitemap:` lines are read instead. */
  top: boolean;
}

/** What one file turned out to be, and the child sitemaps an index named. */
interface FileOutcome {
  notSitemap: string | null;
  children: string[];
}

/** A sitemap's `lastmod` (W3C datetime), or null when absent or not a date. */
function parseLastmod(text: string | null): Date | null {
  if (text === null || text === '') return null;
  const time = Date.parse(text);
  return Number.isNaN(time) ? null : new Date(time);
}

function absolute(loc: string, base: string): string | null {
  try {
    const url = new URL(loc, base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

/**
 * The pages of a sitemap source: `spec.url` is a sitemap or an index (followed to depth 3, gzip read as it comes),
 * or, when it is not a sitemap at all (a site root, any page), the sitemaps its origin's robots.txt names. Entries
 * whose lastmod is older than `spec.since` are passed over. Each file is read to its end before its children are
 * opened, so one host slot is held at a time.
 */
export async function* readSitemap(spec: ReadSpec, io: ReadIo): AsyncGenerator<Discovered> {
  const seen = new Set<string>([spec.url]);
  const queue: SitemapFile[] = [{ url: spec.url, depth: 0, top: true }];
  let opened = 0;
  for (let file = queue.shift(); file !== undefined; file = queue.shift()) {
    if (Date.now() >= io.deadline) {
      yield problem('timeout', file.url, `the source's time limit passed with ${queue.length + 1} sitemap files left unread; the pages found so far are kept`);
      return;
    }
    if (opened >= SITEMAP_MAX_FILES) {
      yield problem('too_many', file.url, `more than ${SITEMAP_MAX_FILES} sitemap files; ${queue.length + 1} were left unread`);
      return;
    }
    opened += 1;
    const outcome = yield* readSitemapFile(file, spec, io);
    if (outcome.notSitemap !== null) {
      if (!file.top) {
        yield problem('malformed', file.url, `not a sitemap: ${outcome.notSitemap}`);
        continue;
      }
      const named = await io.fetcher.robotsSitemaps(file.url, io.deadline);
      if (named.sitemaps.length === 0) {
        const why = named.problem === null ? 'names no Sitemap' : `could not be read (${named.problem.message})`;
        yield problem('malformed', file.url, `not a sitemap (${outcome.notSitemap}) and ${new URL(file.url).origin}/robots.txt ${why}; give the sitemap's own URL`);
        continue;
      }
      for (const url of named.sitemaps) {
        if (seen.has(url)) continue;
        seen.add(url);
        queue.push({ url, depth: 0, top: false });
      }
      continue;
    }
    if (outcome.children.length === 0) continue;
    if (file.depth + 1 > SITEMAP_MAX_DEPTH) {
      yield problem('too_deep', file.url, `a sitemap index ${file.depth + 1} levels down names ${outcome.children.length} more sitemaps; indexes are followed ${SITEMAP_MAX_DEPTH} levels deep`);
      continue;
    }
    let looped = 0;
    for (const url of outcome.children) {
      if (seen.has(url)) looped += 1;
      else {
        seen.add(url);
        queue.push({ url, depth: file.depth + 1, top: false });
      }
    }
    if (looped > 0) yield problem('loop', file.url, `the index names ${looped} sitemap file(s) already read in this run (e.g. itself); each is read once`);
  }
}

/** Reads one file to its end (or its caps), yielding its pages; returns what it was and the children it named. */
async function* readSitemapFile(file: SitemapFile, spec: ReadSpec, io: ReadIo): AsyncGenerator<Discovered, FileOutcome> {
  const outcome: FileOutcome = { notSitemap: null, children: [] };
  const opened = await io.fetcher.open(file.url, { maxBytes: SITEMAP_MAX_BYTES, accept: ACCEPT, deadline: io.deadline });
  if (!opened.ok) {
    // A site root that answers with an error may still name its sitemaps in robots.txt.
    if (file.top && opened.problem.code === 'http_status') outcome.notSitemap = opened.problem.message;
    else yield opened.problem;
    return outcome;
  }
  const { file: body } = opened;
  let entries = 0;
  let root: string | null = null;
  try {
    for await (const event of parseSitemapXml(body.chunks())) {
      if (event.type === 'root') {
        root = event.name;
        if (root !== 'urlset' && root !== 'sitemapindex') {
          outcome.notSitemap = `its document element is <${root}>, not <urlset> or <sitemapindex>`;
          return outcome;
        }
        continue;
      }
      if (event.type === 'error') {
        // A body cut at a cap or the deadline ends the XML mid-tag: the cut is the problem, not the syntax.
        if (body.stopped !== null) yield body.stopped;
        else if (root === null && !event.entities && file.top) outcome.notSitemap = `it is not XML (${body.contentType ?? 'no Content-Type'})`;
        else yield problem('malformed', file.url, `${event.message}; the ${entries} entries before it are kept`);
        return outcome;
      }
      entries += 1;
      if (entries > SITEMAP_MAX_URLS) {
        yield problem('too_many', file.url, `the file lists more than ${SITEMAP_MAX_URLS} entries, the protocol's limit; the first ${SITEMAP_MAX_URLS} are kept`);
        return outcome;
      }
      const url = absolute(event.loc, body.finalUrl);
      if (url === null) continue;
      if (event.parent === 'sitemap' && root === 'sitemapindex') {
        outcome.children.push(url);
        continue;
      }
      if (event.parent !== 'url' || root !== 'urlset') continue;
      const lastmod = parseLastmod(event.lastmod);
      if (spec.since !== null && lastmod !== null && lastmod < spec.since) continue;
      const page: DiscoveredPage = { type: 'page', url, lastmod };
      yield page;
    }
    if (root === null && file.top) outcome.notSitemap = 'it is empty';
    if (body.stopped !== null) yield body.stopped;
    return outcome;
  } finally {
    await body.close();
  }
}
