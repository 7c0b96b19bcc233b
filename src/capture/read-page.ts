import type { Page, Request } from 'playwright';
import { pageFactsExpression, type PageReading } from './page-facts-script.ts';
import type { RedirectHop } from '../page-data/capture-result.ts';

/** Runs the extraction; once more if a script navigated the page away while it ran. */
export async function readPage(page: Page, ignore: string[], remaining: () => number): Promise<PageReading> {
  const read = (): Promise<PageReading> => page.evaluate<PageReading>(pageFactsExpression({ baseUrl: page.url(), ignore }));
  try {
    return await read();
  } catch (err) {
    if (!/Execution context was destroyed|navigat/i.test((err as Error).message)) throw err;
    await page.waitForLoadState('domcontentloaded', { timeout: remaining() });
    return read();
  }
}

/** The hops that led to `final`, first to last, with each one's status. */
export async function redirectChain(final: Request): Promise<RedirectHop[]> {
  const hops: RedirectHop[] = [];
  for (let hop = final.redirectedFrom(); hop; hop = hop.redirectedFrom()) {
    hops.unshift({ url: hop.url(), status: (await hop.response())?.status() ?? 0 });
  }
  return hops;
}
