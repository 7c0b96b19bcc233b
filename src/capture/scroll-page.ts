import type { Page } from 'playwright';

/** At most this long scrolling, whatever the page's height: a very long page gets its top part walked, then its end. */
const SCROLL_MAX_MS = 2_000;

// Strings, not functions: vitest and tsx compile with keepNames, whose __name helper does not exist in the page.
// One rendered frame lets IntersectionObservers see what came into view; a page that renders no frames (hidden,
// throttled) still moves on after 50 ms.
const FRAMES = `() => new Promise((resolve) => {
  requestAnimationFrame(() => setTimeout(resolve, 0));
  setTimeout(resolve, 50);
})`;
const HEIGHT = 'document.documentElement.scrollHeight';

/**
 * Walks `page` from `fromY` to the bottom a viewport at a time, letting a rendered frame pass at each step, within
 * `budgetMs`. Lazy loaders give photos a `src` only when an IntersectionObserver sees them in the viewport, which
 * happens on a rendered frame: one jump to the bottom and back skips every photo above the last screen.
 */
async function walkDown(page: Page, fromY: number, budgetMs: number): Promise<void> {
  const scrollMs = Math.max(0, Math.min(SCROLL_MAX_MS, budgetMs));
  await page.evaluate(`(async () => {
    const frames = ${FRAMES};
    const stop = Date.now() + ${scrollMs};
    const height = () => ${HEIGHT};
    for (let y = ${fromY}; y < height() && Date.now() < stop; y += Math.max(200, window.innerHeight - 100)) {
      window.scrollTo(0, y);
      await frames();
    }
    window.scrollTo(0, height());
    await frames();
  })()`);
}

/**
 * Brings every lazy photo of `page` into view and waits (within `settleMs`) until every image in the document has
 * finished or failed loading; returns the viewport height the page is left at, scrolled to the top.
 *
 * The viewport is made as tall as the document (at most `maxHeight`, the screenshot's cap) in one step, so one
 * rendered frame shows every IntersectionObserver and every `loading="lazy"` image the whole page at once, and the
 * screenshot is then a plain capture of the viewport. What lies below the cap is walked as before. A page whose
 * layout follows the viewport's height (a `100vh` banner grows with it) is put back to `viewport` and walked:
 * its screenshot must look as a reader's screen shows it. The wait is on the images themselves, as the network was
 * found quiet before and a lazy photo starts loading only now.
 */
export async function revealLazyContent(
  page: Page,
  viewport: { width: number; height: number },
  maxHeight: number,
  budgetMs: number,
  settleMs: number,
): Promise<number> {
  const before = Number(await page.evaluate(HEIGHT));
  const tall = Math.min(before, maxHeight);
  let height = viewport.height;
  if (tall > viewport.height) {
    await page.setViewportSize({ width: viewport.width, height: tall });
    height = tall;
    // Read at once, before a photo that starts loading now could change the layout.
    const after = Number(await page.evaluate(HEIGHT));
    if (before <= maxHeight && after > tall) {
      await page.setViewportSize(viewport);
      height = viewport.height;
    }
  }
  if (height === viewport.height) await walkDown(page, 0, budgetMs);
  else if (before > height) await walkDown(page, height, budgetMs);
  else await page.evaluate(`(${FRAMES})()`);
  await page
    .waitForFunction('Array.from(document.images).every((img) => img.complete)', undefined, { timeout: Math.max(1, settleMs) })
    .catch(() => undefined);
  await page.evaluate('window.scrollTo(0, 0)');
  return height;
}
