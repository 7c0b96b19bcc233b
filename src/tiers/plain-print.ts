import { createHash } from 'node:crypto';
import type { PageFacts } from '../page-data/page-facts.ts';

/**
 * SHA-256 (hex) over what a plain-HTTP extraction of a page says: its title, main-content blocks (the extraction
 * already leaves out navigation, page header and footer, hidden parts and the target's `ignore` selectors — where
 * clocks and view counters go), its photos and videos by URL, main-content links and embedded tweets. Not the raw
 * bytes, which change with every clock and counter; not the browser's reading either (no load states, no files):
 * it is compared only with another plain print, the one the last full capture's response gave.
 */
export function plainPrint(facts: PageFacts): string {
  const canonical = {
    title: facts.title ?? null,
    blocks: facts.blocks.map((b) => [b.kind, b.text]),
    media: facts.media.map((m) => [m.kind, m.url]),
    links: facts.links.filter((l) => l.main).map((l) => l.url),
    embeds: facts.embeds.map((e) => e.statusId),
  };
  return createHash('sha256').update(JSON.stringify(canonical)).digest('hex');
}
