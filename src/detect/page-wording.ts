import type { PageFacts } from '../page-data/page-facts.ts';
import { normalizeText } from './text.ts';

/**
 * What a captured page says, normalised for phrase matching. The block-page and not-found checks read a page the
 * same way: its title, the headings it opens with, and its first blocks — the whole of an error page, and only the
 * beginning of an article.
 */
export interface PageWording {
  /** The normalised title; '' when there is none. */
  title: string;
  /** The title cut at its separators: "Page Not Found | U.S. Treasury" gives ["page not found", "u.s. treasury"]. */
  titleSegments: string[];
  /** Normalised headings among the first blocks: the page's own heading, whatever its level (blocks carry none). */
  leadHeadings: string[];
  /** The first blocks, normalised. */
  leadBlocks: string[];
  /** Characters of main text, all blocks together. */
  textLength: number;
  /** Little enough main text to be an error or block page rather than an article. */
  short: boolean;
  /** No title and practically no main text: nothing was served, or only a script. */
  empty: boolean;
}

/** Main text up to this length makes a short page. Error and block pages say a few sentences; articles say more. */
export const SHORT_PAGE_CHARS = 1200;
/** Main text under this length, with no title, is practically nothing ("Loading…", a lone "OK"). */
const EMPTY_PAGE_CHARS = 40;
/** Blocks read as the page's opening: the heading, the message and a line or two of help. */
const LEAD_BLOCKS = 4;
/** Headings within this many first blocks are the page's own heading; later ones are section headings. */
const LEAD_HEADING_WINDOW = 5;

const TITLE_SEPARATORS = /\s*(?:\||::|»|·|•)\s*|\s+-+\s+/;

/**
 * NFKC, then accents dropped ("trouvée" = "trouvee"), one kind of apostrophe, quote and dash, single spaces,
 * lower case: the form every wording pattern is written against.
 */
export function normalizeWording(text: string): string {
  return normalizeText(text).normalize('NFD').replace(/\p{M}/gu, '');
}

/** Reads a page's wording; a capture with no document reads as an empty page. */
export function readWording(facts: PageFacts | null): PageWording {
  const title = normalizeWording(facts?.title ?? '');
  const blocks = facts?.blocks ?? [];
  const textLength = blocks.reduce((n, b) => n + b.text.trim().length, 0);
  return {
    title,
    titleSegments: title === '' ? [] : title.split(TITLE_SEPARATORS).filter((s) => s !== ''),
    leadHeadings: blocks
      .slice(0, LEAD_HEADING_WINDOW)
      .filter((b) => b.kind === 'heading')
      .map((b) => normalizeWording(b.text)),
    leadBlocks: blocks.slice(0, LEAD_BLOCKS).map((b) => normalizeWording(b.text)),
    textLength,
    short: textLength <= SHORT_PAGE_CHARS,
    empty: title === '' && textLength < EMPTY_PAGE_CHARS,
  };
}

/** Where a pattern matched: the line and the offset of the match in it. */
export interface WordingMatch {
  line: string;
  at: number;
}

/** The first of `texts` that one of `patterns` matches, or null. Global and sticky flags are ignored. */
export function firstMatch(texts: readonly string[], patterns: readonly RegExp[]): WordingMatch | null {
  for (const line of texts) {
    if (line === '') continue;
    for (const re of patterns) {
      const m = stateless(re).exec(line);
      if (m) return { line, at: m.index };
    }
  }
  return null;
}

/** A pattern safe to reuse: with `g` or `y`, `exec` and `test` remember where they stopped. */
function stateless(re: RegExp): RegExp {
  return re.global || re.sticky ? new RegExp(re.source, re.flags.replace(/[gy]/g, '')) : re;
}

/** Text for a verdict's detail: at most `max` characters, starting a little before offset `at`. */
export function excerpt(text: string, at = 0, max = 80): string {
  if (text.length <= max) return text;
  const start = Math.max(0, Math.min(at - 20, text.length - max));
  return `${start > 0 ? '…' : ''}${text.slice(start, start + max)}${start + max < text.length ? '…' : ''}`;
}
