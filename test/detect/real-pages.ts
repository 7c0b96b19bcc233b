import { readFileSync } from 'node:fs';
import { parseHTML } from 'linkedom';
import { extractPageFacts } from '../../src/extract/page-facts.ts';
import type { PageFacts } from '../../src/capture/types.ts';

/** The shared real before/after captures of US government pages (see their README for the analyst's verdicts). */
export const REAL_PAGES = new URL('../../../shared/fixtures/real-pages/', import.meta.url);

export function realPageFacts(file: string, url: string): PageFacts {
  const html = readFileSync(new URL(file, REAL_PAGES), 'utf8');
  const { document } = parseHTML(html);
  return extractPageFacts(document as unknown as Document, { baseUrl: url, ignore: [] });
}
