import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { launchUiBrowser, signInAs, startUiServer, type UiServer } from '../helpers/ui.ts';
import { articleFor } from '../helpers/watch.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { flintlockArticle, startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { getInboxAlert } from '../../src/db/alert-inbox.ts';

// The screenshots of docs/review-ui.md#screenshots are refreshed only when asked (SCRUBWATCH_UPDATE_SCREENSHOTS=1),
// so a test run never leaves tracked files changed; otherwise they go to a temporary folder.
const SCREENSHOTS = process.env.SCRUBWATCH_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'scrubwatch-shots-'))}/`;
const PATH = '/news/flintlock-2019-begins';
const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;
const HICKS = flintlockArticle.paragraphs.find((p) => p.includes('Hicks'))!;

describe('review UI end to end: a target added, checked, edited, taken down, and its alerts triaged in a browser', () => {
  let db: TestDatabase;
  let server: UiServer;
  let site: FixtureSite;
  let worker: RunningWorker;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
    site = await startFixtureSite();
    site.home();
    worker = await startWorker(server.ctx, processors);
    browser = await launchUiBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(20_000);
  });
  afterAll(async () => {
    await browser?.close();
    await worker?.close();
    await server?.dispose();
    await site?.close();
    await db?.drop();
  });

  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png` });
  const checkNow = async () => {
    // The click waits for the form's navigation, which lasts as long as the capture: the same bound as the wait below.
    await page.getByRole('button', { name: 'Check now' }).click({ timeout: 90_000 });
    await page.waitForURL(/done=checked/, { timeout: 90_000 });
  };

  it('follows a removal from the add-target form to a dismissed alert', { timeout: 240_000 }, async () => {
    const spec = articleFor(PATH, { tweet: null });
    site.article(PATH, spec);

    await signInAs(page, server.baseUrl, server.tokens.operator, 'operator');
    await page.getByRole('link', { name: 'Targets' }).click();
    await page.getByLabel('URL of the page or tweet').fill(site.url(PATH));
    await page.getByLabel('Name (optional)').fill('Flintlock 2019 begins');
    await page.getByLabel('Tags').fill('flintlock, mali');
    await page.getByLabel('Watched phrases').fill('Assimi Goita');
    await page.getByRole('button', { name: 'Add target' }).click();
    await page.waitForURL(/\/targets\/\d+\?done=added/);
    const targetId = Number(/\/targets\/(\d+)/.exec(page.url())![1]);
    // Its first capture and its schedule are dropped so the captures below are the only ones.
    await unschedule(server.ctx, { id: targetId, kind: 'page' });
    expect(await page.getByRole('status').textContent()).toContain('Target added');

    await checkNow();
    expect(await page.locator('ol.timeline > li').count()).toBe(1);
    expect(await page.locator('ol.timeline').textContent()).toContain('baseline');

    // An editor cuts the paragraph naming Col. Goita, rewords another and pulls his photo.
    site.article(PATH, {
      ...spec,
      photos: spec.photos.slice(1),
      paragraphs: spec.paragraphs.filter((p) => p !== GOITA).map((p) => (p === HICKS ? p.replace('said African partners lead', 'stressed that African partner nations lead') : p)),
    });
    await checkNow();
    await checkNow();
    const timeline = page.locator('ol.timeline');
    expect(await timeline.locator('> li').count()).toBe(3);
    await expect.poll(() => timeline.locator('.raised').allTextContents()).toEqual(
      expect.arrayContaining([expect.stringContaining('Content removed'), expect.stringContaining('Phrase removed'), expect.stringContaining('Media removed')]),
    );

    // The article is taken down: the first 404 makes it suspect, the second confirms it.
    site.gone(PATH, 404);
    await checkNow();
    await checkNow();
    expect(await page.locator('.life').first().textContent()).toBe('removed');
    await page.locator('dl.facts').evaluate((dl) => dl.scrollIntoView());
    await shot('target');
    const kinds = (await listAlerts(server.ctx.pool, { targetId })).map((a) => a.kind).sort();
    expect(kinds).toEqual(['content_removed', 'media_removed', 'page_removed', 'phrase_removed']);

    // A reviewer triages.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await signInAs(page, server.baseUrl, server.tokens.reviewer, 'reviewer');
    expect(new URL(page.url()).pathname).toBe('/alerts');
    // One row per capture: the page's removal, and the paragraph, its phrase and its photo cut together.
    const rows = page.locator('table.alerts > tbody > tr');
    expect(await rows.count()).toBe(2);
    expect(await rows.first().textContent()).toContain('Page removed');
    expect(await rows.first().locator('.sev').textContent()).toBe('High');
    expect(await rows.nth(1).locator('td:nth-child(2) > a').textContent()).toBe('Phrase removed · Media removed · Content removed');

    await page.getByLabel('Severity').selectOption('medium');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/severity=medium/);
    expect(await rows.count()).toBe(1);
    expect(await rows.first().locator('td:nth-child(2) > a').textContent()).toBe('Media removed · Content removed');

    // The content_removed alert's diff: the paragraph struck through, the edit at word level, the photo from its stored copy.
    const content = (await listAlerts(server.ctx.pool, { targetId, kind: 'content_removed' }))[0]!;
    await page.goto(`${server.baseUrl}/alerts/${content.id}`);
    await page.getByRole('link', { name: 'Open the diff' }).click();
    await page.waitForURL(/\/diff\?against=/);
    expect(await page.locator('table.sbs del').allTextContents()).toEqual(expect.arrayContaining([GOITA, expect.stringContaining('said')]));
    expect(await page.locator('table.sbs ins').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('stressed')]));
    const gone = page.locator('li.gone img');
    expect(await gone.count()).toBe(1);
    expect(await gone.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    // The pixel comparison is one click away, below the outlined removals (alert-proof.test.ts).
    await page.getByText('Pixel comparison').click();
    const visual = page.getByRole('img', { name: /Visual difference/ });
    await expect.poll(() => visual.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    // The snapshot the alert names as the last with the paragraph.
    await page.getByRole('link', { name: /^snapshot \d+$/ }).first().click();
    await page.waitForURL(/\/snapshots\/\d+$/);
    expect(await page.locator('.text').textContent()).toContain('Assimi Goita');
    expect(await page.locator('ul.media > li').count()).toBe(2);
    expect(await page.locator('iframe.archived').getAttribute('sandbox')).toBe('');
    await shot('snapshot');

    // One-click triage from the inbox: dismiss the page_removed alert.
    const removed = (await listAlerts(server.ctx.pool, { targetId, kind: 'page_removed' }))[0]!;
    await page.goto(`${server.baseUrl}/alerts`);
    await page.getByRole('button', { name: `Dismiss alert ${removed.id}` }).click();
    await page.waitForURL(/triaged=/);
    expect(await page.getByRole('status').textContent()).toContain(`Alert ${removed.id} (page_removed) is now dismissed`);
    expect(await page.locator(`#alert-${removed.id}`).count()).toBe(0);
    expect(await getInboxAlert(server.ctx.pool, removed.id)).toMatchObject({ state: 'dismissed', triagedBy: 'reviewer (test)' });
    await page.getByLabel('State').selectOption('dismissed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=dismissed/);
    expect(await page.locator(`#alert-${removed.id}`).textContent()).toContain('by reviewer (test)');
  });
});
