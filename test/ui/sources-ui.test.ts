import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { launchUiBrowser, signInAs, startUiServer, type UiServer } from '../helpers/ui.ts';
import { listPages, recordRun } from '../helpers/source-pages.ts';
import { getSource } from '../../src/db/sources.ts';

describe('review UI: the Sources page', () => {
  let db: TestDatabase;
  let server: UiServer;
  let browser: Browser;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
    browser = await launchUiBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.dispose();
    await db?.drop();
  });

  const signedIn = async (role: 'operator' | 'reviewer'): Promise<Page> => {
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(20_000);
    await signInAs(page, server.baseUrl, server.tokens[role], role);
    return page;
  };

  it('adds a source through the form, pauses and resumes it, and runs it (queued when no worker runs)', async () => {
    const page = await signedIn('operator');
    await page.getByRole('link', { name: 'Sources' }).click();
    await page.waitForURL(`${server.baseUrl}/sources`);
    expect(await page.locator('.empty').first().textContent()).toContain('No sources yet');

    await page.getByLabel('URL (a sitemap').fill('https://www.africom.mil/media-room/article/');
    await page.getByLabel('Kind').selectOption('archive');
    await page.getByLabel('Name (optional)').fill('AFRICOM articles');
    await page.getByLabel('Tags for its targets').fill('mali, flintlock');
    await page.getByLabel('Watched phrases for its targets').fill('Assimi Goita');
    await page.getByLabel('Keep watching only the pages').check();
    await page.getByRole('button', { name: 'Add source' }).click();
    await page.waitForURL(/\/sources\/\d+\?done=added$/);
    const id = Number(/\/sources\/(\d+)/.exec(page.url())![1]);
    expect(await page.locator('h1').textContent()).toBe('AFRICOM articles');
    expect(await getSource(server.ctx.pool, id)).toMatchObject({ kind: 'archive', tags: ['mali', 'flintlock'], phrases: ['Assimi Goita'], onlyMatching: true, complete: true });
    expect(await server.ctx.discoverQueue.getJobScheduler(`source:${id}`)).toBeTruthy();
    expect(await page.locator('.empty').textContent()).toContain('Never read yet');

    await page.getByRole('button', { name: 'Pause' }).click();
    await page.waitForURL(/done=paused/);
    expect((await getSource(server.ctx.pool, id))?.state).toBe('paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.waitForURL(/done=resumed/);
    expect((await getSource(server.ctx.pool, id))?.state).toBe('active');

    await page.getByRole('button', { name: 'Run now' }).click();
    await page.waitForURL(/done=no-worker/);
    expect(await page.locator('.notice').textContent()).toContain('no worker is running');
    const waiting = await server.ctx.discoverQueue.getJobs(['waiting']);
    expect(waiting.map((j) => j.data)).toContainEqual({ sourceId: id, reason: 'manual' });

    // The same URL again: refused, with the form kept and the existing source named.
    await page.goto(`${server.baseUrl}/sources`);
    await page.getByLabel('URL (a sitemap').fill('https://www.africom.mil/media-room/article/');
    await page.getByLabel('Kind').selectOption('archive');
    await page.getByRole('button', { name: 'Add source' }).click();
    expect(await page.locator('p.error').textContent()).toContain(`already exists (id ${id})`);
    await page.context().close();
  });

  it('shows each source with its counts, last run, problems, warnings and the pages it delisted or lost, linked to their targets', async () => {
    const { rows } = await server.ctx.pool.query<{ id: string }>(
      `insert into sources (url, kind, every, targets_every, max_targets, complete) values ('https://www.army.mil/sitemap.xml', 'sitemap', '6h', '24h', 2, true) returning id`,
    );
    const id = Number(rows[0]!.id);
    const [kept, , delisted, lost] = await listPages(server.ctx.pool, id, [
      { url: 'https://www.army.mil/article/ui-1' },
      { url: 'https://www.army.mil/article/ui-2', screening: 'screened' },
      { url: 'https://www.army.mil/article/ui-3', delistedAt: new Date('2026-12-01T00:00:00Z') },
      { url: 'https://www.army.mil/article/ui-4', lifecycle: 'removed' },
    ]);
    await recordRun(server.ctx.pool, id, {
      discovered: 6, added: 2, capped: true, skipped: 4,
      problems: [{ type: 'problem', code: 'malformed', url: 'https://www.army.mil/sitemap-2.xml', message: 'not a sitemap' }],
      warnings: ['stopped at 2 targets'],
    });

    const page = await signedIn('reviewer');
    await page.goto(`${server.baseUrl}/sources`);
    const section = page.locator('section.source', { has: page.locator(`#source-${id}`) });
    const text = await section.textContent();
    expect(text).toMatch(/4 pages: 3 listed, 1 delisted, 1 screened out, 1 lost/);
    expect(text).toMatch(/discovered 6, added 2, already watched 0, skipped 4, delisted 0, screened out 0\s+— stopped at the cap of 2 targets/);
    expect(text).toContain('not a sitemap');
    expect(text).toContain('Warning: stopped at 2 targets');
    expect(await section.locator('.losses a').evaluateAll((as) => as.map((a) => a.getAttribute('href')))).toEqual(expect.arrayContaining([`/targets/${delisted}`, `/targets/${lost}`]));
    // A reviewer reads; the forms are for operators.
    expect(await page.getByRole('button', { name: 'Add source' }).count()).toBe(0);

    await section.getByRole('link', { name: 'its targets' }).click();
    await page.waitForURL(new RegExp(`/targets\\?source=${id}$`));
    const listed = await page.locator('tbody tr td:first-child').allTextContents();
    expect(listed.map(Number)).toEqual([kept, delisted, lost]);

    await page.goto(`${server.baseUrl}/targets/${delisted}`);
    const listedBy = page.locator('dd', { has: page.locator(`a[href="/sources/${id}"]`) });
    expect(await listedBy.textContent()).toMatch(/sitemap https:\/\/www\.army\.mil\/sitemap\.xml, first listed .+, delisted/);
    await page.context().close();
  });
});
