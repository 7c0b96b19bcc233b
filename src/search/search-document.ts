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
 * Characters of each part that are indexed. A tsvector holds at most 1 MB, and Postgres counts word positions to
 * 16,383: past that a phrase can no longer be told from its words. A quarter of a million characters is some forty
 * thousand words, more than any article; what lies beyond is not searched (docs/search.md says so).
 */
export const SEARCH_PART_MAX_CHARS = 250_000;

// The two characters snippets are marked with (src/search/snippet.ts): never left in an indexed text, so a page
// cannot forge a highlight.
const MARKS = /[\uE000\uE001]/g;

function part(pieces: Array<string | null | undefined>): string {
  const text = pieces
    .map((p) => (p ?? '').replace(MARKS, '').trim())
    .filter((p) => p !== '')
    .join('\n');
  return text.length > SEARCH_PART_MAX_CHARS ? text.slice(0, SEARCH_PART_MAX_CHARS) : text;
}

/** The searchable text of a page's facts: pure, so the same facts always give the same document (and SHA-256). */
export function searchDocument(facts: PageFacts): SearchDocument {
  const captionBlocks = facts.blocks.filter((b) => b.kind === 'caption').map((b) => b.text);
  const mediaTexts = facts.media.flatMap((m) => [m.caption, m.alt]);
  return {
    title: part([facts.title]),
    main: part(facts.blocks.filter((b) => b.kind !== 'caption').map((b) => b.text)),
    captions: part([...new Set([...captionBlocks, ...mediaTexts].map((t) => (t ?? '').trim()))]),
    embeds: part(facts.embeds.map((e) => [e.author ? `@${e.author}` : null, e.text].filter(Boolean).join(' '))),
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
