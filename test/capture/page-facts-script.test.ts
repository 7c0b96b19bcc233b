import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { pageFactsExpression, type PageReading } from '../../src/capture/page-facts-script.ts';
import { FACT_CAPS } from '../../src/extract/caps.ts';
import { extractPageFacts } from '../../src/extract/page-facts.ts';
import { articleHtml, flintlockArticle } from '../../src/demo/article-html.ts';
import { unboxed } from '../helpers/article-facts.ts';

const run = promisify(execFile);
const options = { baseUrl: 'https://www.africom.mil/news/flintlock', ignore: ['.share'] };

let host: BrowserHost;

beforeAll(() => {
  host = createBrowserHost({ chromiumPath: undefined }, pino({ level: 'silent' }));
});

afterAll(async () => {
  await host?.close();
});

/** Evaluates an expression in a fresh page holding the fixture article (no network: the HTML is set directly). */
async function evaluateOnArticle(expression: string): Promise<PageReading> {
  const context = await (await host.get()).newContext({ javaScriptEnabled: true });
  try {
    const page = await context.newPage();
    await page.route('**/*', (route) => route.abort());
    await page.setContent(articleHtml(flintlockArticle).replace(/<script[^>]*platform\.twitter[^>]*><\/script>/, ''));
    return await page.evaluate<PageReading>(expression);
  } finally {
    await context.close();
  }
}

describe('the in-page extraction expression', () => {
  it('works as compiled by tsx, whose keepNames wraps inner functions in __name()', async () => {
    // The worker runs under tsx; vitest compiles without __name, so ask tsx for the expression it produces.
    const script = `import { pageFactsExpression } from './src/capture/page-facts-script.ts';
      process.stdout.write(pageFactsExpression(${JSON.stringify(options)}));`;
    const { stdout } = await run(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: process.cwd() });
    expect(stdout).toMatch(/__name\(/);
    const reading = await evaluateOnArticle(stdout);
    expect(unboxed(reading.facts.blocks)[0]).toEqual({ kind: 'heading', text: flintlockArticle.title });
    expect(reading.facts.embeds.map((e) => e.statusId)).toEqual([flintlockArticle.tweet?.statusId]);
    expect(reading.height).toBeGreaterThan(800);
  });

  it('reads in Chromium the same text, links and embeds as extractPageFacts reads in Node', async () => {
    const reading = await evaluateOnArticle(pageFactsExpression(options));
    const { parseHTML } = await import('linkedom');
    const { document } = parseHTML(articleHtml(flintlockArticle));
    const inNode = extractPageFacts(document as unknown as Document, { ...options, caps: FACT_CAPS });
    // Boxes aside, which only the browser can read (asserted in page-boxes.test.ts).
    expect(unboxed(reading.facts.blocks)).toEqual(inNode.blocks);
    expect(unboxed(reading.facts.links)).toEqual(inNode.links);
    expect(unboxed(reading.facts.embeds)).toEqual(inNode.embeds);
    expect(reading.facts.title).toBe(inNode.title);
    // Only the browser knows whether an image decoded: here every request was aborted.
    expect(reading.facts.media.map((m) => m.loaded)).toEqual([false, false]);
    expect(inNode.media.map((m) => m.loaded)).toEqual([null, null]);
  });
});
