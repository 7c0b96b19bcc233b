import { setImmediate as nextTurn } from 'node:timers/promises';
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

/** Bytes parsed in one synchronous step: htmlparser2 builds about 1 MB of a link-dense page's tree per 100 ms. */
const PARSE_STEP = 16 * 1024;

/**
 * An HTML page parsed as it arrives: htmlparser2 is fed at most 16 KB at a time and the event loop is given a turn
 * between steps, so a hostile page (the caller caps its bytes) never holds the loop for more than a few tens of
 * milliseconds. A reader thread would isolate it further, but a listing is a few MB at most and the steps bound it.
 */
export async function parseHtmlStream(chunks: AsyncIterable<Buffer>): Promise<Document> {
  const handler = new DomHandler();
  const parser = new Parser(handler, { decodeEntities: true });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    for (let at = 0; at < chunk.byteLength; at += PARSE_STEP) {
      parser.write(decoder.decode(chunk.subarray(at, at + PARSE_STEP), { stream: true }));
      await nextTurn();
    }
  }
  parser.write(decoder.decode());
  parser.end();
  return handler.root;
}

/**
 * Every element under `roots`, in document order (iterative: a deeply nested page cannot overflow the stack),
 * not descending into those `prune` names.
 */
function* elements(roots: AnyNode[], prune: (element: Element) => boolean = () => false): Generator<Element> {
  const stack: AnyNode[] = [...roots].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type !== 'tag' && node.type !== 'root' && node.type !== 'script' && node.type !== 'style') continue;
    if (node.type === 'tag') {
      yield node as Element;
      if (prune(node as Element)) continue;
    }
    const children = (node as Element).children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
}

/** The first element `test` accepts, in document order, by one plain walk (no selector engine over the tree). */
function firstElement(doc: Document, test: (element: Element) => boolean, prune?: (element: Element) => boolean): Element | null {
  for (const element of elements([doc], prune)) if (test(element)) return element;
  return null;
}

/** The page's base for relative links: its `<base href>` resolved against where it was served from. */
export function documentBase(doc: Document, servedFrom: string): string {
  // <base> belongs in <head>: the body (all of a link-heavy page) is not walked.
  const href = firstElement(doc, (e) => e.name === 'base' && e.attribs.href !== undefined, (e) => e.name === 'body')?.attribs.href;
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

// Not plain application/json: WordPress names its REST API that way on every page, and that is no feed.
const FEED_TYPES = new Set(['application/rss+xml', 'application/atom+xml', 'application/feed+json']);

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

/**
 * Where a page's own content is: its `main` elements, else `[role=main]`, else its `article`s (outermost of any of
 * these only, so a main inside an article hides neither); null when it marks none.
 */
function mainContent(doc: Document): Element[] | null {
  const found: Record<'main' | 'role' | 'article', Element[]> = { main: [], role: [], article: [] };
  // The walk does not enter what it found: only the outermost of each is kept, and a listing's main content is
  // most of its tree.
  const isContent = (e: Element) => e.name === 'main' || e.name === 'article' || e.attribs.role === 'main';
  for (const element of elements([doc], isContent)) {
    if (element.name === 'main') found.main.push(element);
    else if (element.attribs.role === 'main') found.role.push(element);
    else if (element.name === 'article') found.article.push(element);
  }
  for (const list of [found.main, found.role, found.article]) if (list.length > 0) return list;
  return null;
}

const CHROME = new Set(['nav', 'header', 'footer', 'aside']);

/**
 * The links of the page's main content, absolute, in document order, each once: inside `main` / `[role=main]` /
 * `article` when the page marks them, else the whole body less its nav, header, footer and aside. At most `cap`
 * are returned; `more` says whether there were others. One walk, stopped past the cap.
 */
export function contentLinks(doc: Document, base: string, cap: number): { links: string[]; more: boolean } {
  const roots = mainContent(doc);
  const links: string[] = [];
  const seen = new Set<string>();
  const walk = roots ?? [doc];
  const stack: AnyNode[] = [...walk].reverse();
  for (let node = stack.pop(); node !== undefined; node = stack.pop()) {
    if (node.type !== 'tag' && node.type !== 'root') continue;
    const element = node as Element;
    if (node.type === 'tag') {
      if (roots === null && CHROME.has(element.name)) continue;
      const href = element.name === 'a' ? element.attribs.href : undefined;
      const url = href === undefined ? null : resolveHttp(href, base);
      if (url !== null && !seen.has(url)) {
        if (links.length >= cap) return { links, more: true };
        seen.add(url);
        links.push(url);
      }
    }
    const children = element.children;
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]!);
  }
  return { links, more: false };
}

function relNext(element: Element): boolean {
  if ((element.name !== 'a' && element.name !== 'link') || element.attribs.href === undefined) return false;
  return (element.attribs.rel ?? '').toLowerCase().split(/\s+/).includes('next');
}

/** The next page of a listing: the first element `selector` matches (its href), else `rel="next"`; null when none. */
export function nextPage(doc: Document, base: string, selector: string | null): string | null {
  const element = selector === null ? firstElement(doc, relNext) : one(selector, doc);
  const href = element?.attribs.href ?? (element ? one('a[href]', element)?.attribs.href : undefined);
  return href === undefined ? null : resolveHttp(href, base);
}
