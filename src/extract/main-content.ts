import { Readability } from '@mozilla/readability';
import { parseHTML } from 'linkedom';
import type { TextBlock } from '../page-data/page-facts.ts';

/** Readability's own threshold, and the least article text we trust its pick with. */
const MIN_ARTICLE_CHARS = 200;
/**
 * Past this many elements, or elements nested this deep, every block stays main rather than Readability spending
 * seconds of CPU on one page (~0.5 s at 40,000 elements; its cost grows with the square of the depth, ~0.5 s at
 * 512 levels). Counted here because Readability's own `maxElemsToParse` counts `getElementsByTagName('*')`, which
 * is always empty in linkedom.
 */
const MAX_ELEMENTS = 60_000;
const MAX_DEPTH = 200;

/** What Readability kept of a page, whitespace removed (see squash). */
interface ArticleText {
  /** Title and byline, which Readability lifts out of the article's text. */
  head: string;
  text: string;
}

/**
 * Marks each of `blocks` (read from `html` by extractPageFacts) with whether Mozilla Readability counts it as part
 * of the article, so the detector can tell a removed paragraph from a rotated "related stories" box, share bar or
 * cookie banner inside the same root element.
 *
 * `html` is parsed again with linkedom, the `ignore` selectors are dropped, and Readability runs on it with
 * `baseUrl` as the document's URL. A block is main when its text occurs in the article's text, title or byline.
 * When Readability finds no article or under ~200 characters of one, or fails on the HTML, every block is main:
 * the root heuristics stand alone. Returns new block objects; never throws.
 */
export function markMainContent(html: string, baseUrl: string, blocks: TextBlock[], ignore: string[]): TextBlock[] {
  let document: ParsedDocument;
  try {
    document = parseHTML(html).document;
  } catch {
    return blocks.map((block) => ({ ...block, main: true }));
  }
  return markMainContentOf(document, baseUrl, blocks, ignore).blocks;
}

/** A document parsed by linkedom. */
type ParsedDocument = ReturnType<typeof parseHTML>['document'];

/** markMainContentOf's blocks, and why Readability was not asked when the document was too big for it. */
export interface MarkedBlocks {
  blocks: TextBlock[];
  /** A line for the facts' `truncated` list; null when Readability read the document (or found no article). */
  skipped: string | null;
}

/**
 * markMainContent on a document already parsed with linkedom (the plain-HTTP fetcher's, once its facts are read),
 * which saves parsing the page a second time. The document is changed: use it for nothing after.
 */
export function markMainContentOf(document: ParsedDocument, baseUrl: string, blocks: TextBlock[], ignore: string[]): MarkedBlocks {
  const article = readArticle(document, baseUrl, ignore);
  if (article === 'too big') {
    const skipped = `main content: not told apart, the document has over ${MAX_ELEMENTS} elements or is nested over ${MAX_DEPTH} deep`;
    return { blocks: blocks.map((block) => ({ ...block, main: true })), skipped };
  }
  if (article === null) return { blocks: blocks.map((block) => ({ ...block, main: true })), skipped: null };
  // Blocks come in document order, as does the article's text: searching on from the last match keeps a long
  // page linear. A miss there is searched for everywhere, so order only ever costs time, never a match.
  let cursor = 0;
  const marked = blocks.map((block) => {
    const needle = squash(block.text);
    const at = article.text.indexOf(needle, cursor);
    if (at >= 0) cursor = at + needle.length;
    const main = at >= 0 || article.head.includes(needle) || article.text.includes(needle);
    return { ...block, main };
  });
  return { blocks: marked, skipped: null };
}

/**
 * Whitespace removed, not just collapsed: Readability's textContent joins adjacent elements and `<br>`-split lines
 * without a space where the extractor puts one, and a missed match would hide a real removal.
 */
const squash = (s: string): string => s.replace(/\s+/g, '');

/** Readability's article of `document`; null when it finds none worth trusting or fails, 'too big' unasked. */
function readArticle(document: ParsedDocument, baseUrl: string, ignore: string[]): ArticleText | 'too big' | null {
  try {
    for (const selector of ignore) {
      try {
        document.querySelectorAll(selector).forEach((el) => el.remove());
      } catch {
        // An invalid selector matches nothing, as in extractPageFacts.
      }
    }
    if (tooBig(document.documentElement)) return 'too big';
    // linkedom leaves both unset; Readability resolves the article's links against them.
    Object.defineProperty(document, 'baseURI', { value: baseUrl });
    Object.defineProperty(document, 'documentURI', { value: baseUrl });
    // linkedom's document implements the DOM subset Readability relies on, not the whole Document type.
    const article = new Readability(document as unknown as Document, { charThreshold: MIN_ARTICLE_CHARS }).parse();
    const text = (article?.textContent ?? '').replace(/\s+/g, ' ').trim();
    if (article === null || text.length < MIN_ARTICLE_CHARS) return null;
    return { head: `${squash(article.title ?? '')}\u0000${squash(article.byline ?? '')}`, text: squash(text) };
  } catch {
    return null;
  }
}

/** Whether the tree under `root` has more than MAX_ELEMENTS elements or is nested deeper than MAX_DEPTH. */
function tooBig(root: Element | null): boolean {
  const stack: [Element, number][] = root ? [[root, 1]] : [];
  let count = 0;
  for (let next = stack.pop(); next; next = stack.pop()) {
    const [el, depth] = next;
    if (++count > MAX_ELEMENTS || depth > MAX_DEPTH) return true;
    for (const child of Array.from(el.children)) stack.push([child, depth + 1]);
  }
  return false;
}
