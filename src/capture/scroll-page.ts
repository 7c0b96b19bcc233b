import type { Page } from 'playwright';

/** At most this long scrolling, whatever the page's height: a very long page gets its top part walked, then its end. */
const SCROLL_MAX_MS = 2_000;

/**
 * Walks `page` from top to bottom a viewport at a time, letting a rendered frame pass at each step, then waits
 * (within `settleMs`) until every image in the document has finished or failed loading, and returns to the top.
 *
 * Lazy loaders give photos a `src` only when an IntersectionObserver sees them in the viewport, which happens on a
 * rendered frame: one jump to the bottom and back skips every photo above the last screen. The wait is on the
 * images themselves, as `networkidle` was reached before the scroll and Playwright treats it as reached for good.
 */
export async function scrollThrough(page: Page, budgetMs: number, settleMs: number): Promise<void> {
  const scrollMs = Math.max(0, Math.min(SCROLL_MAX_MS, budgetMs));
  // Strings, not functions: vitest and tsx compile with keepNames, whose __name helper does not exist in the page.
  await page.evaluate(`(async () => {
    // One rendered frame lets IntersectionObservers see what scrolled into view; a page that renders no frames
    // (hidden, throttled) still moves on after 50 ms.
    const frames = () => new Promise((resolve) => {
      requestAnimationFrame(() => setTimeout(resolve, 0));
      setTimeout(resolve, 50);
    });
    const stop = Date.now() + ${scrollMs};
    const height = () => document.documentElement.scrollHeight;
    for (let y = 0; y < height() && Date.now() < stop; y += Math.max(200, window.innerHeight - 100)) {
      window.scrollTo(0, y);
      await frames();
    }
    window.scrollTo(0, height());
    await frames();
  })()`);
  await page
    .waitForFunction('Array.from(document.images).every((img) => img.complete)', undefined, { timeout: Math.max(1, settleMs) })
    .catch(() => undefined);
  await page.evaluate('window.scrollTo(0, 0)');
}
