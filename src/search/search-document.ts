import { createHash } from 'node:crypto';
import type { PageFacts } from '../page-data/page-facts.ts';

/** Where on a page a hit was: its title, its main text, a photo's caption or alt text, an embedded tweet's text. */
export const SEARCH_PARTS = ['title', 'main', 'caption', 'embed'] as const;
export type SearchPart = (typeof SEARCH_PARTS)[number];

/** A page's searchable text, by part; each part's pieces one per line, in page order. */
export interface SearchDocument {
  title: string;
  main: string;
  captions: string;
  embeds: string;
}

/**
 * UTF-8 bytes of each part that are indexed. A tsvector holds at most 1 MB and, at worst (every word distinct and
 * short), takes about four bytes per byte of text: 194,000 bytes in all stays under it. 150,000 bytes of main text is
 * some 25,000 words, more than any article; what lies beyond a budget is not searched (docs/search.md says so).
 */
export const SEARCH_PART_MAX_BYTES: Readonly<Record<SearchPart, number>> = {
  title: 4_000,
  main: 150_000,
  caption: 20_000,
  embed: 20_000,
};

// The two characters snippets are marked with (src/search/snippet.ts): never left in an indexed text, so a page
// cannot forge a highlight.
const MARKS = /[\uE000\uE001]/g;

function part(which: SearchPart, pieces: Array<string | null | undefined>): string {
  const text = pieces
    .map((p) => (p ?? '').replace(MARKS, '').trim())
    .filter((p) => p !== '')
    .join('\n');
  return withinBytes(text, SEARCH_PART_MAX_BYTES[which]);
}

/** The longest start of `text` that fits in `max` UTF-8 bytes, never cutting a character in two. */
function withinBytes(text: string, max: number): string {
  // A UTF-16 unit is at most 3 UTF-8 bytes: short texts need no counting.
  if (text.length * 3 <= max) return text;
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  let end = max;
  // Back off continuation bytes (10xxxxxx) to the start of the character the budget cuts.
  while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  return bytes.subarray(0, end).toString('utf8');
}

/** The searchable text of a page's facts: pure, so the same facts always give the same document (and SHA-256). */
export function searchDocument(facts: PageFacts): SearchDocument {
  const captionBlocks = facts.blocks.filter((b) => b.kind === 'caption').map((b) => b.text);
  const mediaTexts = facts.media.flatMap((m) => [m.caption, m.alt]);
  return {
    title: part('title', [facts.title]),
    main: part('main', facts.blocks.filter((b) => b.kind !== 'caption').map((b) => b.text)),
    captions: part('caption', [...new Set([...captionBlocks, ...mediaTexts].map((t) => (t ?? '').trim()))]),
    embeds: part('embed', facts.embeds.map((e) => [e.author ? `@${e.author}` : null, e.text].filter(Boolean).join(' '))),
  };
}

/** Whether a document has nothing to search (a page of no text at all): such pages are not indexed. */
export function isEmptyDocument(doc: SearchDocument): boolean {
  return doc.title === '' && doc.main === '' && doc.captions === '' && doc.embeds === '';
}

/** The document's name in the index: SHA-256 over its parts, each length-prefixed so no two documents collide. */
export function searchDocumentSha(doc: SearchDocument): Buffer {
  const hash = createHash('sha256');
  for (const text of [doc.title, doc.main, doc.captions, doc.embeds]) {
    const bytes = Buffer.from(text, 'utf8');
    hash.update(`${bytes.length}:`).update(bytes);
  }
  return hash.digest();
}
