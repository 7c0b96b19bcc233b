import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBrowserHost, type BrowserHost } from '../../src/capture/browser.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import type { CaptureLimits, CaptureRequest } from '../../src/capture/types.ts';
import type { Box } from '../../src/page-data/page-facts.ts';
import type { CaptureResult } from '../../src/page-data/capture-result.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import type { Browser } from 'playwright';
import { launchUiBrowser } from '../helpers/ui.ts';

const logger = pino({ level: 'silent' });
const limits: CaptureLimits = { allowPrivateNetworks: true, maxPageBytes: 5_000_000, maxCaptureBytes: 50_000_000, maxMediaBytes: 1_000_000, screenshotMaxHeight: 20_000 };
const PATH = '/news/flintlock-boxes';
const spec = { ...flintlockArticle, documents: [{ file: 'flintlock-fact-sheet.pdf', text: 'Flintlock 2019 fact sheet (PDF)' }] };

let site: FixtureSite;
let host: BrowserHost;
/** A person's browser, which (unlike the capture's) may visit the loopback fixture site. */
let viewer: Browser;

beforeAll(async () => {
  site = await startFixtureSite();
  site.article(PATH, spec);
  host = createBrowserHost({ chromiumPath: undefined }, logger);
  viewer = await launchUiBrowser();
});

afterAll(async () => {
  await viewer?.close();
  await host?.close();
  await site?.close();
});

function capture(overrides: Partial<CaptureLimits> = {}): Promise<CaptureResult> {
  const req: CaptureRequest = { url: site.url(PATH), fetcher: 'browser', timeoutMs: 20_000, ignore: [] };
  return captureTarget(host, req, { ...limits, ...overrides }, logger);
}

/** Document-coordinate rects of the elements `selector` picks, read in a fresh load of the page as a person sees it. */
async function renderedRects(selector: string): Promise<Box[]> {
  const context = await viewer.newContext({ viewport: { width: 1280, height: 800 } });
  try {
    const page = await context.newPage();
    await page.route(/platform\.twitter\.com/, (route) => route.abort());
    await page.goto(site.url(PATH), { waitUntil: 'load' });
    return await page.$$eval(selector, (els) =>
      els.map((el) => {
        const r = el.getBoundingClientRect();
        return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
      }),
    );
  } finally {
    await context.close();
  }
}

/** Within two pixels on every side: the capture's boxes are whole pixels around the rendered rect. */
function expectNear(box: Box | undefined, rect: Box | undefined): void {
  expect(box).toBeDefined();
  expect(rect).toBeDefined();
  for (const [a, b] of [[box!.x, rect!.x], [box!.y, rect!.y], [box!.x + box!.width, rect!.x + rect!.width], [box!.y + box!.height, rect!.y + rect!.height]]) {
    expect(Math.abs(a! - b!)).toBeLessThanOrEqual(2);
  }
}

describe('boxes recorded at capture', () => {
  let result: CaptureResult;

  beforeAll(async () => {
    result = await capture();
  }, 60_000);

  it('gives each kept text block the box its element is drawn in', async () => {
    expect(result.error).toBeNull();
    const facts = result.facts!;
    const paragraphs = facts.blocks.filter((b) => b.kind === 'paragraph' && spec.paragraphs.includes(b.text));
    expect(paragraphs.map((b) => b.text)).toEqual(spec.paragraphs);
    const rects = await renderedRects('article.news-article > p:not(.byline):not(.date)');
    expect(rects).toHaveLength(spec.paragraphs.length);
    paragraphs.forEach((block, i) => expectNear(block.box, rects[i]));
    expect(facts.blocks.every((b) => b.box !== undefined)).toBe(true);
  });

  it('gives each photo, the embedded tweet and the document link theirs', async () => {
    const facts = result.facts!;
    const photos = await renderedRects('article.news-article figure img');
    expect(facts.media).toHaveLength(photos.length);
    facts.media.forEach((m, i) => expectNear(m.box, photos[i]));
    expectNear(facts.embeds[0]?.box, (await renderedRects('blockquote.twitter-tweet'))[0]);
    const document = facts.links.find((l) => l.url === site.url('/files/flintlock-fact-sheet.pdf'));
    expect(document?.main).toBe(true);
    expectNear(document?.box, (await renderedRects('ul.documents a'))[0]);
    // Links outside the main content are never outlined: they get no box.
    expect(facts.links.filter((l) => !l.main).every((l) => l.box === undefined)).toBe(true);
  });

  it('keeps every box within the screenshot', () => {
    const png = result.screenshot!;
    const size = { width: png.readUInt32BE(16), height: png.readUInt32BE(20) };
    const boxes = [...result.facts!.blocks, ...result.facts!.media, ...result.facts!.links, ...result.facts!.embeds].flatMap((i) => (i.box ? [i.box] : []));
    expect(boxes.length).toBeGreaterThan(10);
    for (const b of boxes) {
      expect(b.x).toBeGreaterThanOrEqual(0);
      expect(b.y).toBeGreaterThanOrEqual(0);
      expect(b.x + b.width).toBeLessThanOrEqual(size.width);
      expect(b.y + b.height).toBeLessThanOrEqual(size.height);
    }
  });

  it('cuts boxes at the screenshot height cap, and drops those wholly below it', async () => {
    const short = await capture({ screenshotMaxHeight: 600 });
    const blocks = short.facts!.blocks;
    const full = result.facts!.blocks;
    expect(blocks.map((b) => b.text)).toEqual(full.map((b) => b.text));
    blocks.forEach((b, i) => {
      const was = full[i]!.box!;
      if (was.y >= 600) expect(b.box).toBeUndefined();
      else expect(b.box).toEqual({ ...was, height: Math.min(was.height, 600 - was.y) });
    });
    expect(blocks.some((b) => b.box === undefined)).toBe(true);
    expect(blocks.some((b) => b.box !== undefined)).toBe(true);
  }, 60_000);
});
