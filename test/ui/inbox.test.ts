import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { launchUiBrowser, signInAs, useUiServer } from '../helpers/ui.ts';
import { raise, raiseTogether } from '../notify/raise.ts';
import { getInboxAlert } from '../../src/db/alert-inbox.ts';
import { ALERT_KINDS } from '../../src/detect/findings.ts';
import type { Alert } from '../../src/db/alerts.ts';
import type { Pool } from '../../src/db/pool.ts';

// docs/review-ui.md's inbox screenshot is refreshed only when asked (SCRUBWATCH_UPDATE_SCREENSHOTS=1).
const SCREENSHOTS = process.env.SCRUBWATCH_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'scrubwatch-shots-'))}/`;
const LONG_URL = 'https://www.army.mil/article/219405/flintlock_2019_begins_in_burkina_faso_and_mauritania?utm_source=feed&utm_medium=rss#comments';

async function target(pool: Pool, url: string, name: string | null, tags: string[]): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(`insert into targets (url, name, tags, schedule_every) values ($1, $2, $3, '6h') returning id`, [url, name, tags]);
  return rows[0]!.id;
}

describe('the alerts inbox in Chromium: one row per capture, group triage, keyboard triage, filters, paging', () => {
  const ui = useUiServer();
  let browser: Browser;
  let page: Page;
  // A paragraph and its photo cut together, then the page taken down; a phrase and its paragraph on another
  // page; an embed on a page a source lists.
  let cut: Alert[];
  let takenDown: Alert;
  let phrase: Alert[];
  let embed: Alert;
  let sourceId: number;

  const shot = (name: string) => page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });
  const state = async (a: Alert) => (await getInboxAlert(ui.server.ctx.pool, a.id))!.state;
  const rows = () => page.locator('table.inbox > tbody > tr.inbox-row');
  const focusedRowId = () => page.evaluate(() => (document.activeElement instanceof HTMLTableRowElement ? document.activeElement.id : null));

  beforeAll(async () => {
    const pool = ui.server.ctx.pool;
    const flintlock = await target(pool, LONG_URL, 'Flintlock 2019 begins', ['mali', 'flintlock']);
    const sahel = await target(pool, 'https://www.africom.mil/pressrelease/sahel-partners', null, ['niger']);
    const listed = await target(pool, 'https://www.defense.gov/News/Releases/Release/Article/1', 'Release 1', ['niger']);
    cut = await raiseTogether(pool, flintlock, ['content_removed', 'media_removed']);
    takenDown = await raise(pool, flintlock, 'page_removed');
    phrase = await raiseTogether(pool, sahel, ['content_removed', 'phrase_removed']);
    embed = await raise(pool, listed, 'embed_removed');
    const { rows: src } = await pool.query<{ id: number }>(
      `insert into sources (url, kind, every, targets_every, max_targets, complete) values ('https://www.defense.gov/sitemap.xml', 'sitemap', '1h', '6h', 100, true) returning id`,
    );
    sourceId = src[0]!.id;
    await pool.query('insert into source_pages (source_id, target_id) values ($1, $2)', [sourceId, listed]);
    browser = await launchUiBrowser();
    page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(20_000);
    await signInAs(page, ui.server.baseUrl, ui.server.tokens.reviewer, 'reviewer');
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows one row per capture at its highest severity, expandable to its alerts, with the target URL shortened', async () => {
    await page.goto(`${ui.server.baseUrl}/alerts`);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.id))).toEqual([`alert-${embed.id}`, `group-${phrase[0]!.snapshotId}`, `alert-${takenDown.id}`, `group-${cut[0]!.snapshotId}`]);
    const group = page.locator(`#group-${cut[0]!.snapshotId}`);
    expect(await group.locator('.sev').first().textContent()).toBe('Medium');
    expect(await group.locator('td:nth-child(2) > a').textContent()).toBe('Media removed · Content removed');
    expect(await page.locator(`#group-${phrase[0]!.snapshotId} .sev`).first().textContent()).toBe('High');
    const url = group.locator('span.url');
    expect(await url.textContent()).toBe('www.army.mil/article/219405/flintlock_2019_begins_in_burkina_faso_and_mauritania');
    expect(await url.getAttribute('title')).toBe(LONG_URL);
    expect(await page.locator(`#group-${phrase[0]!.snapshotId} td:nth-child(3) a`).textContent()).toBe('www.africom.mil/pressrelease/sahel-partners');

    const member = group.locator(`#alert-${cut[1]!.id}`);
    expect(await member.isVisible()).toBe(false);
    await group.locator('summary').click();
    expect(await member.isVisible()).toBe(true);
    expect(await group.locator('ul.members > li').count()).toBe(2);
    await shot('inbox');
  });

  it('triages one alert of a group, leaving the other, then the whole group at once', async () => {
    const [content, media] = cut as [Alert, Alert];
    await page.goto(`${ui.server.baseUrl}/alerts`);
    const group = page.locator(`#group-${content.snapshotId}`);
    await group.locator('summary').click();
    await group.getByRole('button', { name: `Dismiss alert ${media.id}` }).click();
    await page.waitForURL(/triaged=/);
    expect(await page.getByRole('status').textContent()).toContain(`Alert ${media.id} (media_removed) is now dismissed`);
    expect([await state(content), await state(media)]).toEqual(['open', 'dismissed']);
    // The open inbox now holds the paragraph alone, as a row of its own.
    expect(await page.locator(`#alert-${content.id}`).count()).toBe(1);
    expect(await page.locator(`#group-${content.snapshotId}`).count()).toBe(0);

    await page.getByLabel('State').selectOption('all');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/state=all/);
    expect(await group.locator('td:nth-child(5) .state').textContent()).toBe('mixed');
    await group.getByRole('button', { name: `Confirm all 2 alerts of snapshot ${content.snapshotId}` }).click();
    await page.waitForURL(/triaged=/);
    expect(new URL(page.url()).searchParams.get('state')).toBe('all');
    expect(await page.getByRole('status').textContent()).toContain(`Alerts ${media.id} (media_removed), ${content.id} (content_removed) are now confirmed`);
    for (const a of cut) expect(await getInboxAlert(ui.server.ctx.pool, a.id)).toMatchObject({ state: 'confirmed', triagedBy: 'reviewer (test)' });
    expect(await group.locator('td:nth-child(5) .state').textContent()).toBe('confirmed');
  });

  it('triages from the keyboard: j/k move a visible focus, d dismisses, c confirms a group, o opens; typing in a field does none', async () => {
    await page.goto(`${ui.server.baseUrl}/alerts`);
    await expect.poll(() => page.locator('p.keys').isVisible()).toBe(true);
    await page.keyboard.press('j');
    expect(await focusedRowId()).toBe(`alert-${embed.id}`);
    expect(await page.locator(`#alert-${embed.id}`).evaluate((tr) => getComputedStyle(tr).outlineStyle)).toBe('solid');
    await page.keyboard.press('j');
    await page.keyboard.press('j');
    expect(await focusedRowId()).toBe(`alert-${takenDown.id}`);
    await page.keyboard.press('k');
    expect(await focusedRowId()).toBe(`group-${phrase[0]!.snapshotId}`);
    await page.keyboard.press('j');
    await page.keyboard.press('d');
    await page.waitForURL(/triaged=/);
    expect(await state(takenDown)).toBe('dismissed');

    // Back on the inbox, the focus is on its first row again: the next j reaches the phrase's group.
    await page.keyboard.press('j');
    expect(await focusedRowId()).toBe(`group-${phrase[0]!.snapshotId}`);
    await page.keyboard.press('c');
    await page.waitForURL(/triaged=\d+%2C\d+/);
    for (const a of phrase) expect(await state(a)).toBe('confirmed');

    await page.getByLabel('Tag').fill('');
    await page.getByLabel('Tag').pressSequentially('jcdo');
    expect(await page.getByLabel('Tag').inputValue()).toBe('jcdo');
    expect(await state(embed)).toBe('open');
    expect(new URL(page.url()).pathname).toBe('/alerts');

    await page.locator('h1').click();
    await page.keyboard.press('j');
    expect(await focusedRowId()).toBe(`alert-${embed.id}`);
    await page.keyboard.press('o');
    await page.waitForURL(new RegExp(`/alerts/${embed.id}$`));
  });

  it('filters by state, severity, kind, tag and source; an unknown value is a 400 naming the valid ones', async () => {
    const ids = async (query: string) => {
      await page.goto(`${ui.server.baseUrl}/alerts${query}`);
      return rows().evaluateAll((trs) => trs.map((tr) => tr.id));
    };
    expect(await ids(`?source=${sourceId}`)).toEqual([`alert-${embed.id}`]);
    expect(await ids('?state=all&tag=mali')).toEqual([`alert-${takenDown.id}`, `group-${cut[0]!.snapshotId}`]);
    expect(await ids('?state=confirmed&severity=high')).toEqual([`alert-${phrase[1]!.id}`]);
    expect(await ids('?state=dismissed')).toEqual([`alert-${takenDown.id}`]);

    await page.goto(`${ui.server.baseUrl}/alerts?state=all`);
    await page.getByLabel('Kind').selectOption('content_removed');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.waitForURL(/kind=content_removed/);
    expect(await rows().evaluateAll((trs) => trs.map((tr) => tr.id))).toEqual([`alert-${phrase[0]!.id}`, `alert-${cut[0]!.id}`]);

    for (const [query, message] of [
      ['kind=nonsense', `kind: must be one of ${ALERT_KINDS.join(', ')}`],
      ['state=closed', 'state: must be one of open, confirmed, dismissed, all'],
      ['severity=critical', 'severity: must be one of low, medium, high'],
      ['source=abc', 'source: must be a positive whole number'],
    ] as const) {
      const res = await page.goto(`${ui.server.baseUrl}/alerts?${query}`);
      expect(res!.status()).toBe(400);
      expect(await page.locator('main p').first().textContent()).toBe(message);
    }
  });

  it('pages by whole groups: a group is never split across pages', { timeout: 120_000 }, async () => {
    const pool = ui.server.ctx.pool;
    const bulk = await target(pool, 'https://www.army.mil/article/bulk', 'Bulk', ['bulk']);
    const raised: Alert[][] = [];
    for (let i = 0; i < 52; i++) raised.push(await raiseTogether(pool, bulk, i % 2 ? ['content_removed', 'media_removed', 'phrase_removed'] : ['page_moved']));
    const seen: string[][] = [];
    await page.goto(`${ui.server.baseUrl}/alerts?tag=bulk&state=open`);
    for (;;) {
      const ids = await rows().evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('[id^="alert-"]'), tr].map((e) => e.id).filter((id) => id.startsWith('alert-'))));
      seen.push(ids.map((members) => members.sort().join(',')));
      const older = page.getByRole('link', { name: 'Older alerts' });
      if ((await older.count()) === 0) break;
      await older.click();
      await page.waitForURL(/before=/);
    }
    expect(seen.map((p) => p.length)).toEqual([50, 2]);
    const expected = raised.reverse().map((g) => g.map((a) => `alert-${a.id}`).sort().join(','));
    expect(seen.flat()).toEqual(expected);
  });
});
