import { SaxesParser } from 'saxes';

/** Longest `loc` or `lastmod` text kept; longer text is cut (no real URL is this long). */
const MAX_TEXT = 8 * 1024;

/** What a sitemap file says, in document order. */
export type SitemapEvent =
  /** The document element: `urlset` and `sitemapindex` are sitemaps, anything else is not. */
  | { type: 'root'; name: string }
  /** A `<url>` (in a urlset) or a `<sitemap>` (in an index) with its `loc` and `lastmod` text. */
  | { type: 'entry'; parent: 'url' | 'sitemap'; loc: string; lastmod: string | null }
  /** The file is not well-formed XML, or declares entities (never expanded): reading it ends here. */
  | { type: 'error'; entities: boolean; message: string };

function localName(name: string): string {
  const colon = name.indexOf(':');
  return colon === -1 ? name : name.slice(colon + 1);
}

/**
 * Streams a sitemap or sitemap index with saxes: the bytes are decoded and fed chunk by chunk, and what each chunk
 * completes is yielded before the next is read, so nothing holds the whole file and no one step parses more than a
 * chunk. A DOCTYPE that declares entities ends it (`entities`), before any entity could be expanded; saxes itself
 * expands only XML's five predefined ones and fails on any other reference.
 */
export async function* parseSitemapXml(chunks: AsyncIterable<Buffer>): AsyncGenerator<SitemapEvent> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  const events: SitemapEvent[] = [];
  let failed = false;
  const stack: string[] = [];
  let entry: { parent: 'url' | 'sitemap'; loc: string; lastmod: string | null } | null = null;
  let field: 'loc' | 'lastmod' | null = null;
  let text = '';
  const fail = (entities: boolean, message: string) => {
    if (failed) return;
    failed = true;
    events.push({ type: 'error', entities, message });
  };
  const onText = (t: string) => {
    if (field !== null && text.length < MAX_TEXT) text += t.slice(0, MAX_TEXT - text.length);
  };
  parser.on('doctype', (doctype) => {
    if (/<!ENTITY/i.test(doctype)) fail(true, 'the file declares XML entities (a DOCTYPE with <!ENTITY), which are never expanded; it was not read');
  });
  parser.on('error', (err) => fail(false, `not well-formed XML: ${err.message}`));
  parser.on('opentag', (tag) => {
    const name = localName(tag.name);
    if (stack.length === 0) events.push({ type: 'root', name });
    const parent = stack[stack.length - 1];
    stack.push(name);
    if (stack.length === 2 && (name === 'url' || name === 'sitemap')) entry = { parent: name, loc: '', lastmod: null };
    else if (stack.length === 3 && entry !== null && (name === 'loc' || name === 'lastmod') && parent === entry.parent) {
      field = name;
      text = '';
    }
  });
  parser.on('text', onText);
  parser.on('cdata', onText);
  parser.on('closetag', () => {
    stack.pop();
    if (field !== null && stack.length === 2) {
      if (entry !== null && field === 'loc') entry.loc = text.trim();
      else if (entry !== null) entry.lastmod = text.trim();
      field = null;
    } else if (stack.length === 1 && entry !== null) {
      if (entry.loc !== '') events.push({ type: 'entry', ...entry });
      entry = null;
    }
  });
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of chunks) {
    parser.write(decoder.decode(chunk, { stream: true }));
    yield* events.splice(0);
    if (failed) return;
  }
  parser.write(decoder.decode());
  parser.close();
  yield* events.splice(0);
}
