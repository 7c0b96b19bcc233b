import type { PageFacts } from '../page-data/page-facts.ts';
import { isSubstantive, removedBlocks } from './removed-blocks.ts';
import { MOVED_SIMILARITY, pageText } from './generic-page.ts';
import { normalizedBlocks, similarity, words } from './text.ts';

/** Share of the article's substantive blocks another host's page must carry to be the article moved there. */
export const CARRIED_SHARE = 0.6;
/**
 * Share of the landing page's main text (in words) the carried blocks must make up: a home or section page that
 * quotes the article's lead among other teasers is not a copy of it, however short the article.
 */
export const COPY_SHARE = 0.5;
/** A path of at most this many segments on another host is a section page, unless the page carries the article. */
export const SECTION_SEGMENTS = 2;

/** Path segments that leave a URL at its site's home: an index file, `home`, a language root. */
const HOME_SEGMENT = /^(?:(?:index|default|home)(?:\.\w+)?|(?:en|es|fr|pt|ar)(?:[-_][a-z]{2})?)$/i;
const SEARCH_SEGMENT = /^(?:site-?)?search(?:[-_]?results?)?(?:\.\w+)?$/i;
const SEARCH_PARAM = /^(?:q|query|s|search|searchterm|keywords?|terms?)$/i;

/** How much of the article a landing page carries: `carried` of its `of` substantive blocks. */
export interface ArticleCarried {
  carried: number;
  of: number;
  /** Whether the landing page is the article itself, moved: see carriesArticle. */
  isCopy: boolean;
}

/** What a redirect to another host amounts to: the `page_removed` signal, or null for the article moved there. */
export interface OtherHostVerdict {
  signal: string | null;
  article: ArticleCarried;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** The host (with its port) a URL names, lower case, without a leading `www.`: www.nasa.gov and nasa.gov are one. */
function hostOf(url: URL): string {
  return url.host.toLowerCase().replace(/^www\./, '');
}

/** Whether `to` is on another host than `from`; an unreadable URL is taken as the same host (no new rule applies). */
export function isOtherHost(from: string, to: string): boolean {
  const a = parse(from);
  const b = parse(to);
  return a !== null && b !== null && hostOf(a) !== hostOf(b);
}

/**
 * How much of the article the landing page carries. Blocks match as removedBlocks matches them (normalised text,
 * or an edited paragraph at word-bigram Dice ≥ 0.5). It is a copy when it carries at least CARRIED_SHARE of the
 * article's substantive blocks and those make up at least COPY_SHARE of its own main text; an article with no
 * substantive block (a photo page) is a copy when the whole texts are MOVED_SIMILARITY alike.
 */
export function carriesArticle(article: PageFacts | null, landing: PageFacts | null): ArticleCarried {
  if (!article || !landing) return { carried: 0, of: 0, isCopy: false };
  const norms = normalizedBlocks(article.blocks);
  const substantive = article.blocks.flatMap((b, i) => (isSubstantive(b, norms[i]!) ? [i] : []));
  if (substantive.length === 0) {
    return { carried: 0, of: 0, isCopy: similarity(pageText(article), pageText(landing)) >= MOVED_SIMILARITY };
  }
  const removed = new Set(removedBlocks(article.blocks, landing.blocks));
  const carried = substantive.filter((i) => !removed.has(article.blocks[i]!));
  const wordCount = (texts: string[]) => texts.reduce((n, t) => n + words(t).length, 0);
  const landingNorms = normalizedBlocks(landing.blocks);
  const landingWords = wordCount(landing.blocks.flatMap((b, i) => (b.main === false ? [] : [landingNorms[i]!])));
  const carriedWords = wordCount(carried.map((i) => norms[i]!));
  const isCopy = carried.length >= CARRIED_SHARE * substantive.length && landingWords > 0 && carriedWords >= COPY_SHARE * landingWords;
  return { carried: carried.length, of: substantive.length, isCopy };
}

function segments(url: URL): string[] {
  return url.pathname.split('/').filter(Boolean);
}

/**
 * What a redirect from an article to a page on another host amounts to. A host scrubwatch has never seen has no
 * known listings, so the landing URL's shape and the landing page's content decide, in this order: its search (a
 * `search` path, a `q`/`query`/`s`… parameter) or its home (`/`, an index file, a language root) is a removal
 * whatever the page says; a page that carries the article (carriesArticle) is the article moved (null); a
 * short path (at most SECTION_SEGMENTS segments) is a section page; any other page is unrelated.
 */
export function otherHostRedirect(finalUrl: string, article: PageFacts | null, landing: PageFacts | null): OtherHostVerdict {
  const carried = carriesArticle(article, landing);
  const url = parse(finalUrl);
  if (!url) return { signal: carried.isCopy ? null : 'redirect_to_unrelated_page', article: carried };
  const path = segments(url);
  if (path.some((s) => SEARCH_SEGMENT.test(s)) || [...url.searchParams.keys()].some((k) => SEARCH_PARAM.test(k))) {
    return { signal: 'redirect_to_other_host_search', article: carried };
  }
  if (path.every((s) => HOME_SEGMENT.test(s))) return { signal: 'redirect_to_other_host_home', article: carried };
  if (carried.isCopy) return { signal: null, article: carried };
  return { signal: path.length <= SECTION_SEGMENTS ? 'redirect_to_other_host_section' : 'redirect_to_unrelated_page', article: carried };
}
