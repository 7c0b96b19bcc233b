import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseHTML } from 'linkedom';
import { FACT_CAPS } from '../../src/extract/caps.ts';
import { extractPageFacts } from '../../src/extract/page-facts.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';

/**
 * The shared real before/after captures of US government pages and firewall responses (see their README for the
 * analyst's verdicts): in `SCRUBWATCH_SHARED_DIR`, else the `shared/` folder beside this repository — where a
 * developer's machine and CI both have it.
 */
export const SHARED_DIR = process.env.SCRUBWATCH_SHARED_DIR ?? fileURLToPath(new URL('../../../shared', import.meta.url));
export const REAL_PAGES_DIR = join(SHARED_DIR, 'fixtures', 'real-pages');
/** The same folder as a URL with a trailing slash, for `new URL(file, REAL_PAGES)`. */
export const REAL_PAGES = pathToFileURL(`${REAL_PAGES_DIR}/`);

/** Throws, naming the folder and the variable, when the shared fixtures are not where they should be. */
export function assertRealPagesPresent(): void {
  if (!existsSync(join(REAL_PAGES_DIR, 'README.md'))) {
    throw new Error(`tests need the shared real-page fixtures at ${REAL_PAGES_DIR}; put shared/ beside the repository or set SCRUBWATCH_SHARED_DIR`);
  }
}

export function realPageHtml(name: string): string {
  return readFileSync(join(REAL_PAGES_DIR, name), 'utf8');
}

export function realPageFacts(file: string, url: string): PageFacts {
  const { document } = parseHTML(realPageHtml(file));
  return extractPageFacts(document as unknown as Document, { baseUrl: url, ignore: [], caps: FACT_CAPS });
}
