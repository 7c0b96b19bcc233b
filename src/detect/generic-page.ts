import { normalizeText, similarity } from './text.ts';
import type { PageFacts } from '../page-data/page-facts.ts';

/** What a host answered for a URL that cannot exist (see host probes): its own "not found" page. */
export interface HostNotFoundPage {
  requestedUrl: string;
  status: number | null;
  finalUrl: string;
  redirected: boolean;
  mainText: string;
}

const LISTING_SEGMENTS = /^(?:news|articles?|stories|press|media(?:-room)?|newsroom|releases?|press-releases?|features?|photos?|videos?|gallery|home|index(?:\.\w+)?|default(?:\.\w+)?|search|category|tags?|topics?|archive|blog|en|fr)$/i;
const NOT_FOUND_SIMILARITY = 0.9;
/** A redirect target this alike to the baseline (whole main text, word-bigram Dice) is the same article moved. */
export const MOVED_SIMILARITY = 0.5;

function segments(url: string): string[] {
  try {
    return new URL(url).pathname.split('/').filter(Boolean);
  } catch {
    return [];
  }
}

function sameUrl(a: string, b: string): boolean {
  const strip = (u: string) => u.replace(/#.*$/, '').replace(/\/+$/, '').toLowerCase();
  return strip(a) === strip(b);
}

/** Main text of a page, normalised, for whole-page comparisons. */
export function pageText(facts: PageFacts | null): string {
  return normalizeText((facts?.blocks ?? []).map((b) => b.text).join('\n'));
}

/** Whether a redirect landed where the host sends URLs that never existed (its probed not-found page's redirect target). */
export function landsOnNotFoundPage(finalUrl: string, notFoundPage: HostNotFoundPage | null): boolean {
  return notFoundPage?.redirected === true && sameUrl(finalUrl, notFoundPage.finalUrl);
}

/**
 * Whether a redirect from an article landed on a generic page rather than on the article elsewhere: the site's
 * root, a short listing or section path shallower than the article's, or the page the site sends URLs that never
 * existed to. Returns the reason, or null.
 */
export function genericRedirectReason(requestedUrl: string, finalUrl: string, notFoundPage: HostNotFoundPage | null): string | null {
  if (landsOnNotFoundPage(finalUrl, notFoundPage)) return 'redirect_to_not_found_page';
  const target = segments(finalUrl);
  if (target.length === 0) return 'redirect_to_site_root';
  const from = segments(requestedUrl);
  if (target.length < from.length && target.length <= 2 && target.every((s) => LISTING_SEGMENTS.test(s))) {
    return 'redirect_to_listing';
  }
  return null;
}

/** Whether a page is the host's own "not found" page: the notFoundPage's redirect target, or nearly its text. */
export function matchesHostNotFound(finalUrl: string, text: string, notFoundPage: HostNotFoundPage | null): boolean {
  if (!notFoundPage) return false;
  if (landsOnNotFoundPage(finalUrl, notFoundPage)) return true;
  return notFoundPage.mainText.length > 0 && text.length > 0 && similarity(text, normalizeText(notFoundPage.mainText)) >= NOT_FOUND_SIMILARITY;
}
