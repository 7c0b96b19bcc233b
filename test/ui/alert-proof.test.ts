import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Locator, Page } from 'playwright';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { getBlob } from '../../src/db/blobs.ts';
import { getSnapshot } from '../../src/db/snapshots.ts';
import { loadSnapshotFacts } from '../../src/review/snapshot-diff.ts';
import type { Box } from '../../src/page-data/page-facts.ts';
import type { AlertKind } from '../../src/detect/findings.ts';

// As review-flow.test.ts: docs/screenshots are refreshed only when asked (SCRUBWATCH_UPDATE_SCREENSHOTS=1).
const SCREENSHOTS = process.env.SCRUBWATCH_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'scrubwatch-shots-'))}/`;
const PATH = '/news/flintlock-proof';
const spec = articleFor(PATH, { tweet: null, documents: [{ file: 'flintlock-proof-fact-sheet.pdf', text: 'Flintlock 2019 fact sheet (PDF)' }] });
const GOITA = spec.paragraphs.find((p) => p.includes('Goita'))!;

/** Where an outline drawn over a crop sits on the whole screenshot, read from how the browser laid it out. */
async function outlineOnScreenshot(crop: Locator): Promise<Box> {
  return crop.evaluate((svg: SVGSVGElement) => {
    const [x, y, width] = (svg.getAttribute('data-region') ?? '').split(',').map(Number) as [number, number, number];
    const frame = svg.getBoundingClientRect();
    const rect = svg.querySelector('rect.outline')!.getBoundingClientRect();
    const scale = width / frame.width;
    return { x: x + (rect.left - frame.left) * scale, y: y + (rect.top - frame.top) * scale, width: rect.width * scale, height: rect.height * scale };
  });
}

/** The share of `b`'s area that `a` covers. */
function covered(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const h = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  return (w * h) / (b.width * b.height);
}

describe('the alert page is the proof: what went, where it was, and the stored copies', () => {
  const rig = useUiRig();
  let page: Page;
  let targetId: number;
  let before: ReturnType<typeof structuredClone<typeof spec>>;

  beforeAll(async () => {
    const watched = await watchPage(rig.server.ctx, rig.site, PATH, spec);
    targetId = watched.targetId;
    await watched.capture();
    // An editor cuts the paragraph naming Col. Goita, his photo and the fact sheet; the second capture confirms.
    before = structuredClone(spec);
    rig.site.article(PATH, { ...spec, paragraphs: spec.paragraphs.filter((p) => p !== GOITA), photos: spec.photos.slice(1), documents: [] });
    expect(await watched.captureTimes(2)).toEqual(expect.arrayContaining(['content_removed', 'phrase_removed', 'media_removed', 'document_removed']));
    page = await (await rig.browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    page.setDefaultTimeout(20_000);
    await signInAs(page, rig.server.baseUrl, rig.server.tokens.reviewer, 'reviewer');
  }, 180_000);
  afterAll(async () => {
    await page?.context().close();
  });

  const alertOf = async (kind: AlertKind) => (await listAlerts(rig.server.ctx.pool, { targetId, kind }))[0]!;

  it('shows the cut sentence as the page had it, the phrase marked, outlined where the paragraph was drawn', async () => {
    const alert = await alertOf('phrase_removed');
    await page.goto(`${rig.server.baseUrl}/alerts/${alert.id}`);
    // The paragraph's sentence, as written; the photo's caption named him too and is listed beside it.
    const went = page.locator('.proof blockquote.went', { hasText: GOITA.slice(0, 60) });
    expect(await went.textContent()).toBe(GOITA);
    expect(await went.locator('mark').allTextContents()).toEqual(['Assimi Goita']);

    const crop = page.locator('.removed-thing', { has: page.locator('h3', { hasText: 'Sentence' }) }).locator('.crop-before svg.crop-view');
    const outline = await outlineOnScreenshot(crop);
    // The paragraph as a person's browser draws it, in a fresh load of the page as it was.
    rig.site.article('/news/flintlock-proof-as-it-was', before);
    const fresh = await page.context().browser()!.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await fresh.goto(rig.site.url('/news/flintlock-proof-as-it-was'));
      const drawn = await fresh.locator('article p', { hasText: 'Assimi Goita' }).evaluate((p) => {
        const r = p.getBoundingClientRect();
        return { x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height };
      });
      expect(covered(outline, drawn)).toBeGreaterThan(0.9);
      expect(covered(drawn, outline)).toBeGreaterThan(0.9);
    } finally {
      await fresh.close();
    }
    // The crop itself is the stored screenshot's pixels, cached for good.
    const href = await crop.locator('image').getAttribute('href');
    const answer = await page.request.get(`${rig.server.baseUrl}${href}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-type']).toBe('image/png');
    expect(answer.headers().etag).toBeTruthy();
    const again = await page.request.get(`${rig.server.baseUrl}${href}`, { headers: { 'if-none-match': answer.headers().etag! } });
    expect(again.status()).toBe(304);
    expect(await page.locator('.proof-captures').textContent()).toMatch(/Last seen: snapshot \d+, \d{4}-\d\d-\d\d \d\d:\d\d UTC/);
    expect(await page.locator('.proof-captures').textContent()).toMatch(/Confirmed: snapshot \d+/);
    await went.evaluate((el) => el.scrollIntoView());
    await page.screenshot({ path: `${SCREENSHOTS}alert.png` });
  });

  it('shows a removed photo from its stored copy, with its caption and its crop', async () => {
    const alert = await alertOf('media_removed');
    await page.goto(`${rig.server.baseUrl}/alerts/${alert.id}`);
    const photo = page.locator('.proof-media img.stored-photo');
    await expect.poll(() => photo.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    const src = (await photo.getAttribute('src'))!;
    const sha = /\/media\/([0-9a-f]{64})$/.exec(src)![1]!;
    const served = await page.request.get(`${rig.server.baseUrl}${src}`);
    expect(Buffer.from(await served.body()).equals((await getBlob(rig.server.ctx.pool, sha))!.data)).toBe(true);
    expect(await page.locator('.proof-media figcaption').textContent()).toContain(spec.photos[0]!.caption);
    expect(await page.locator('.removed-thing h3').allTextContents()).toEqual([expect.stringMatching(/1\s+Photo/)]);
    // Its crop outlines where the capture recorded that very file on the earlier screenshot.
    const lastWith = (await getSnapshot(rig.server.ctx.pool, Number(alert.evidence.lastWithSnapshotId)))!;
    const recorded = (await loadSnapshotFacts(rig.server.ctx.pool, lastWith))!.media.find((m) => m.sha256 === sha)!.box!;
    const crop = page.locator('.removed-thing', { has: page.locator('h3', { hasText: 'Photo' }) }).locator('.crop-before svg.crop-view');
    expect(await crop.getAttribute('data-region')).toBeTruthy();
    const outline = await outlineOnScreenshot(crop);
    expect(covered(outline, recorded)).toBeGreaterThan(0.9);
    expect(covered(recorded, outline)).toBeGreaterThan(0.9);
  });

  it('links a removed document to its stored file', async () => {
    const alert = await alertOf('document_removed');
    await page.goto(`${rig.server.baseUrl}/alerts/${alert.id}`);
    const link = page.getByRole('link', { name: 'Download the stored file' });
    const answer = await page.request.get(`${rig.server.baseUrl}${await link.getAttribute('href')}`);
    expect(answer.status()).toBe(200);
    expect(answer.headers()['content-disposition']).toContain('attachment; filename="flintlock-proof-fact-sheet.pdf"');
    expect(await page.locator('.removed-thing h3').allTextContents()).toEqual([expect.stringMatching(/1\s+Document link/)]);
  });

  it('numbers every removed thing on the diff page, the pixel diff one click away', async () => {
    const alert = await alertOf('content_removed');
    await page.goto(`${rig.server.baseUrl}/alerts/${alert.id}`);
    await page.getByRole('link', { name: 'Open the diff' }).click();
    await page.waitForURL(/\/diff\?against=/);
    const labels = (await page.locator('.removed-thing h3').allTextContents()).map((t) => t.replace(/\s+/g, ' ').trim());
    expect(labels).toEqual(expect.arrayContaining(['Paragraph', 'Photo', 'Caption', 'Document link'].map((l) => expect.stringContaining(l))));
    expect(labels.map((l) => Number(l.split(' ')[0]))).toEqual(labels.map((_, i) => i + 1));
    const visual = page.getByRole('img', { name: /Visual difference/ });
    expect(await visual.isVisible()).toBe(false);
    await page.getByText('Pixel comparison').click();
    await expect.poll(() => visual.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    await page.getByText('Pixel comparison').click();
    await page.locator('h2', { hasText: 'Screenshots' }).evaluate((h) => h.scrollIntoView());
    await page.screenshot({ path: `${SCREENSHOTS}diff.png` });
  });
});
