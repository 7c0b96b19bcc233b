import type { CaptureFailure, CaptureResult, RedirectHop } from '../page-data/capture-result.ts';
import type { PageFacts } from '../page-data/page-facts.ts';

/**
 * How much of a page is kept: at most this many items of each list, and at most this many characters (UTF-16
 * code units) of each piece of text. A page is untrusted: a 10 MB `<title>` or 120,000 `<img>` must cost a
 * bounded amount to read, to store in every snapshot row and to compare. The counts are far above what real
 * articles hold (the real government pages in the shared fixtures have at most 35 blocks, 3 photos and 180 links;
 * a long encyclopaedia article a few thousand blocks and links); the lengths far above a real title, alt text,
 * caption or paragraph; a URL may be twice as long as the longest target URL accepted (src/capture/url-policy.ts).
 */
export const FACT_CAPS = {
  blocks: 5_000,
  media: 1_000,
  links: 5_000,
  embeds: 200,
  /** Linked documents asked for at one capture (src/watch/linked-documents.ts). */
  documents: 20,
  title: 1_000,
  url: 4_096,
  block: 20_000,
  alt: 2_000,
  caption: 2_000,
  linkText: 1_000,
  embedText: 2_000,
  embedDate: 200,
} as const;

/** The caps extractPageFacts applies (plain numbers, so they can cross into the browser with its options). */
export type FactCaps = { readonly [K in keyof typeof FACT_CAPS]: number };

/** Characters kept of each response header's value and of a capture error's message. */
export const HEADER_VALUE_CAP = 2_000;
export const ERROR_MESSAGE_CAP = 2_000;

/** What marks a cut: the text went on past this point. */
export const CUT_MARK = '\u2026';

/**
 * `text` whole when it has at most `max` characters, else its first characters and CUT_MARK, `max` characters in
 * all. Never splits a surrogate pair, so the result stays valid UTF-16. Cutting what was cut changes nothing.
 */
export function cutText(text: string, max: number): string {
  if (text.length <= max) return text;
  let end = Math.max(0, max - CUT_MARK.length);
  const last = text.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end -= 1;
  return `${text.slice(0, end)}${CUT_MARK}`;
}

function cutOrNull(text: string | null, max: number): string | null {
  return text === null ? null : cutText(text, max);
}

/**
 * `facts` with every list and text within FACT_CAPS (extractPageFacts already applies them; this holds for facts
 * from anywhere). A copy; the same facts always give the same copy, so the fingerprint of an unchanged page stays.
 */
export function capFacts(facts: PageFacts): PageFacts {
  const c = FACT_CAPS;
  const capped: PageFacts = {
    title: cutOrNull(facts.title, c.title),
    canonicalUrl: cutOrNull(facts.canonicalUrl, c.url),
    blocks: facts.blocks.slice(0, c.blocks).map((b) => ({ ...b, text: cutText(b.text, c.block) })),
    media: facts.media
      .slice(0, c.media)
      .map((m) => ({ ...m, url: cutText(m.url, c.url), alt: cutOrNull(m.alt, c.alt), caption: cutOrNull(m.caption, c.caption) })),
    links: facts.links
      .slice(0, c.links)
      .map((l) => ({ url: cutText(l.url, c.url), text: cutText(l.text, c.linkText), ...(l.main === true ? { main: true as const } : {}), ...(l.box ? { box: l.box } : {}) })),
    embeds: facts.embeds.slice(0, c.embeds).map((e) => ({
      ...e,
      url: cutText(e.url, c.url),
      text: cutOrNull(e.text, c.embedText),
      date: cutOrNull(e.date, c.embedDate),
    })),
  };
  if (facts.documents !== undefined) {
    capped.documents = facts.documents.slice(0, c.documents).map((d) => ({
      status: d.status,
      sha256: d.sha256,
      length: d.length,
      url: cutText(d.url, c.url),
      finalUrl: cutText(d.finalUrl, c.url),
      etag: cutOrNull(d.etag, HEADER_VALUE_CAP),
      lastModified: cutOrNull(d.lastModified, HEADER_VALUE_CAP),
    }));
  }
  if (facts.truncated !== undefined) capped.truncated = facts.truncated.slice(0, 10).map((note) => cutText(note, 200));
  return capped;
}

/** Redirect hops with their URLs within the cap. */
export function capRedirects(hops: RedirectHop[]): RedirectHop[] {
  return hops.map((hop) => ({ ...hop, url: cutText(hop.url, FACT_CAPS.url) }));
}

/** Header values within the cap (the names are a fixed list, see headers.ts). */
export function capHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, cutText(value, HEADER_VALUE_CAP)]));
}

/** A capture failure whose message (which can quote a URL or a page's words) is within the cap. */
export function capFailure(failure: CaptureFailure | null): CaptureFailure | null {
  return failure === null ? null : { ...failure, message: cutText(failure.message, ERROR_MESSAGE_CAP) };
}

/**
 * The final URL as a snapshot row holds it: a page controls where it redirects, so it is cut; the requested URL is
 * the operator's and was checked when it was added, so a final URL equal to it stays whole (a cut one would read as
 * a redirect).
 */
export function cappedFinalUrl(result: Pick<CaptureResult, 'requestedUrl' | 'finalUrl'>): string {
  return result.finalUrl === result.requestedUrl ? result.finalUrl : cutText(result.finalUrl, FACT_CAPS.url);
}

/**
 * The parts of a capture that a snapshot row holds, within their caps: what a page controls (where it redirected,
 * its headers, error messages, facts) is cut (the final URL as cappedFinalUrl says).
 */
export function capCapture<T extends Pick<CaptureResult, 'requestedUrl' | 'finalUrl' | 'redirects' | 'headers' | 'error' | 'facts'>>(result: T): T {
  return {
    ...result,
    finalUrl: cappedFinalUrl(result),
    redirects: capRedirects(result.redirects),
    headers: capHeaders(result.headers),
    error: capFailure(result.error),
    facts: result.facts === null ? null : capFacts(result.facts),
  };
}
