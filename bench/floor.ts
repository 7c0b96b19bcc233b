import { chromium, type Page } from 'playwright';
import { findChromium } from '../src/capture/browser.ts';

/**
 * The floor: the least any capture must do, in a bare Playwright loop — one browser, `lanes` pages reused,
 * navigate to the load event, read the HTML and the text, one PNG screenshot capped at `maxHeight` like
 * scrubwatch's. No isolation, no storage, no judgement. `browserArgs` are added to Chromium's (such as a
 * `--host-resolver-rules` sending the bench's host names to the fixture site). Returns pages per second.
 */
export async function floorPagesPerSecond(urls: string[], lanes: number, maxHeight: number, browserArgs: string[] = []): Promise<number> {
  const browser = await chromium.launch({
    executablePath: findChromium(process.env.CHROMIUM_PATH).path,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking', '--disable-component-update', '--no-first-run', ...browserArgs],
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const queue = [...urls];
    const started = performance.now();
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        const page = await context.newPage();
        for (let url = queue.shift(); url; url = queue.shift()) await floorPage(page, url, maxHeight);
      }),
    );
    return urls.length / ((performance.now() - started) / 1000);
  } finally {
    await browser.close();
  }
}

/** The floor's work for one page on a reused `page`: load, HTML, text, one PNG capped at `maxHeight`. */
export async function floorPage(page: Page, url: string, maxHeight: number): Promise<void> {
  await page.goto(url, { waitUntil: 'load' });
  await page.content();
  const height = await page.evaluate(() => {
    void document.body.innerText;
    return document.documentElement.scrollHeight;
  });
  await page.screenshot({ type: 'png', fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.min(height, maxHeight) } });
}
