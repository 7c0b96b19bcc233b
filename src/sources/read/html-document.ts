import { selectAll, selectOne } from 'css-select';
import { DomHandler, Parser } from 'htmlparser2';
import type { AnyNode, Document, Element } from 'domhandler';

/** css-select over htmlparser2's tree, its elements typed as such. */
function all(query: string, root: AnyNode | AnyNode[]): Element[] {
  return selectAll<AnyNode, Element>(query, root);
}

function one(query: string, root: AnyNode | AnyNode[]): Element | null {
  return selectOne<AnyNode, Element>(query, root);
}

/**
 * An HTML page parsed as it arrives: htmlparser2 is fed one network chunk at a time (the caller caps the bytes), so
 * parsing never holds the event loop for more than a chunk, and no reader thread is needed for a page this size.
 */
export async function parseHtmlStream(chunks: AsyncIterable<Buffer>): Promise<Document> {
  const handler = new DomHandler();
  const parser = new Parser(handler, { decodeEntities: true });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) parser.write(decoder.decode(chunk, { stream: true }));
  parser.write(decoder.decode());
  parser.end();
  return handler.root;
}

/** The page's base for relative links: its `<base href>` resolved against where it was served from. */
export function documentBase(doc: Document, servedFrom: string): string {
  const href = one('base[href]', doc)?.attribs.href;
  return href === undefined ? servedFrom : (resolveHttp(href, servedFrom) ?? servedFrom);
}

/** `href` made absolute against `base`, fragment kept (normalisation is the run's); null unless http(s). */
export function resolveHttp(href: string, base: string): string | null {
  try {
    const url = new URL(href.trim(), base);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json', 'application/json']);

/** The feeds a page names with `<link rel="alternate" type="application/rss+xml|atom+xml|feed+json">`, in order. */
export function alternateFeeds(doc: Document, base: string): string[] {
  const feeds: string[] = [];
  for (const link of all('link[rel][href][type]', doc)) {
    const rel = (link.attribs.rel ?? '').toLowerCase().split(/\s+/);
    const type = (link.attribs.type ?? '').toLowerCase().split(';')[0]!.trim();
    if (!rel.includes('alternate') || !FEED_TYPES.has(type)) continue;
    const url = resolveHttp(link.attribs.href ?? '', base);
    if (url !== null && !feeds.includes(url)) feeds.push(url);
  }
  return feeds;
}

/** Where a page's own content is: `main`, else `[role=main]`, else its articles; null when it marks none. */
function mainContent(doc: Document): Element[] | null {
  for (const selector of ['main', '[role=main]']) {
    const found = all(selector, doc);
    if (found.length > 0) return found;
  }
  const articles = all('article', doc);
  return articles.length > 0 ? articles : null;
}

const CHROME = new Set(['nav', 'header', 'footer', 'aside']);

function insideChrome(element: Element): boolean {
  for (let node = element.parent; node !== null; node = node.parent) {
    if (node.type === 'tag' && CHROME.has((node as Element).name)) return true;
  }
  return false;
}

/**
 * The links of the page's main content, absolute, in document order, each once: inside `main` / `[role=main]` /
 * `article` when the page marks them, else the whole body less its nav, header, footer and aside. At most `cap`
 * are returned; `more` says whether there were others.
 */
export function contentLinks(doc: Document, base: string, cap: number): { links: string[]; more: boolean } {
  const roots = mainContent(doc);
  const anchors = roots === null ? all('a[href]', doc).filter((a) => !insideChrome(a)) : all('a[href]', roots);
  const links: string[] = [];
  const seen = new Set<string>();
  for (const anchor of anchors) {
    const url = resolveHttp(anchor.attribs.href ?? '', base);
    if (url === null || seen.has(url)) continue;
    if (links.length >= cap) return { links, more: true };
    seen.add(url);
    links.push(url);
  }
  return { links, more: false };
}

/** The next page of a listing: the first element `selector` matches (its href), else `rel="next"`; null when none. */
export function nextPage(doc: Document, base: string, selector: string | null): string | null {
  const element = selector === null ? one('link[rel~=next][href], a[rel~=next][href]', doc) : one(selector, doc);
  const href = element?.attribs.href ?? (element ? one('a[href]', element)?.attribs.href : undefined);
  return href === undefined ? null : resolveHttp(href, base);
}
