import { FACT_CAPS } from '../extract/caps.ts';
import { extractPageFacts, type PageFactsOptions } from '../extract/page-facts.ts';
import type { PageFacts } from '../page-data/page-facts.ts';

/** What the one in-page evaluation returns: the facts, and the page height the screenshot needs. */
export interface PageReading {
  facts: PageFacts;
  /** Full scrollable height of the document, in CSS pixels. */
  height: number;
}

/**
 * The JavaScript expression page.evaluate runs to read a page: extractPageFacts' own source, called on `document`
 * with the caps of caps.ts, recording where each kept thing was drawn (boxes; clipBoxes cuts them to the
 * screenshot).
 *
 * Sent as a string, with a local `__name`, because tsx and vitest compile with esbuild's keepNames, which wraps
 * inner functions in `__name(fn, "name")` calls to a helper that exists in Node but not in the page.
 */
export function pageFactsExpression(options: Omit<PageFactsOptions, 'caps'>): string {
  const withCaps: PageFactsOptions = { ...options, caps: FACT_CAPS, boxes: true };
  return `(() => {
  const __name = (fn) => fn;
  const facts = (${extractPageFacts.toString()})(document, ${JSON.stringify(withCaps)});
  const root = document.documentElement;
  const height = Math.max(root ? root.scrollHeight : 0, document.body ? document.body.scrollHeight : 0);
  return { facts, height };
})()`;
}
