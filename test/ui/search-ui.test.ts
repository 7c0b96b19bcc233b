import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { listSavedSearchesPage } from '../../src/db/saved-searches.ts';
import { findApiToken } from '../../src/db/api-tokens.ts';

// docs/screenshots/search.png is refreshed only when asked (SCRUBWATCH_UPDATE_SCREENSHOTS=1), as in review-flow.test.ts.
const SCREENSHOTS = process.env.SCRUBWATCH_UPDATE_SCREENSHOTS === '1'
  ? fileURLToPath(new URL('../../docs/screenshots/', import.meta.url))
  : `${mkdtempSync(join(tmpdir(), 'scrubwatch-shots-'))}/`;
// Page text is untrusted: this paragraph must reach the results as text, never as markup.
const HOSTILE = 'Goita <img src=x onerror="document.title=\'pwned\'"> <script>document.title = "pwned"</script> was named here.';

describe('review UI: searching the archive in a browser', () => {
  const rig = useUiRig();
  const ids = { kept: 0, cut: 0, removed: 0 };
  let job = 0;

  /** A fixture article watched over plain HTTP, captured through the real capture service. */
  const watch = async (path: string, name: string, paragraphs: string[] = []) => {
    const spec = articleFor(path, { tweet: null });
    spec.paragraphs = [...spec.paragraphs, ...paragraphs];
    rig.site.article(path, spec);
    const target = await addTarget(rig.server.ctx, { url: rig.site.url(path), name, every: '6h', fetcher: 'http' });
    const capture = () => runCapture(rig.server.ctx, target.id, `search-ui-${++job}`);
    return { spec, id: target.id, capture };
  };

  beforeAll(async () => {
    const kept = await watch('/news/flintlock-opens', 'Flintlock 2019 opens', [HOSTILE]);
    await kept.capture();
    const cut = await watch('/news/flintlock-partners', 'Flintlock partners lead');
    await cut.capture();
    // An editor cuts every mention of Col. Goita from the second article, which stays online.
    rig.site.article('/news/flintlock-partners', withoutPhrase(cut.spec, 'Goita'));
    await cut.capture();
    // The third article is taken down altogether.
    const removed = await watch('/news/flintlock-closes', 'Flintlock 2019 closes');
    await removed.capture();
    rig.site.gone('/news/flintlock-closes', 404);
    await removed.capture();
    Object.assign(ids, { kept: kept.id, cut: cut.id, removed: removed.id });
  }, 120_000);

  const signedIn = async (role: 'reviewer' | 'researcher'): Promise<Page> => {
    const page = await (await rig.browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    page.setDefaultTimeout(20_000);
    await signInAs(page, rig.server.baseUrl, rig.server.tokens[role], role);
    return page;
  };

  it('searches from the box on another page, marks the match, switches scope by tab and links to the diff where it went', { timeout: 120_000 }, async () => {
    const page = await signedIn('reviewer');
    await page.goto(`${rig.server.baseUrl}/targets`);
    const box = page.getByRole('search').getByLabel('Search the archive');
    await box.fill('"Assimi Goïta"');
    await box.press('Enter');
    await page.waitForURL(/\/search\?q=/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('"Assimi Goïta"');
    // The box on the results page keeps the query.
    expect(await page.getByLabel('Search the archive').inputValue()).toBe('"Assimi Goïta"');

    // Now: only the page that still names him, the match marked.
    const hits = page.locator('ol.hits > li');
    expect(await hits.count()).toBe(1);
    expect(await hits.first().locator('h2').textContent()).toBe('Flintlock 2019 opens');
    expect(await hits.first().locator('mark').first().textContent()).toBe('Assimi Goita');
    expect(await page.locator('nav.tabs [aria-current="page"]').textContent()).toBe('Now');

    // Ever: every page that named him: one still does, one lost the mention, one is gone altogether.
    await page.getByRole('navigation', { name: 'Scope' }).getByRole('link', { name: 'Ever' }).click();
    await page.waitForURL(/scope=ever/);
    expect(await hits.locator('h2').allTextContents()).toEqual(['Flintlock 2019 opens', 'Flintlock partners lead', 'Flintlock 2019 closes']);
    expect(await hits.locator('.status').allTextContents()).toEqual(['still there', 'mention gone', 'page removed']);
    await page.screenshot({ path: `${SCREENSHOTS}search.png`, fullPage: true });

    // Gone: the cut page and the removed one, each with its last matching snapshot and the diff where the mention went.
    await page.getByRole('link', { name: 'Gone' }).click();
    await page.waitForURL(/scope=gone/);
    expect(new URL(page.url()).searchParams.get('q')).toBe('"Assimi Goïta"');
    expect(await hits.locator('h2').allTextContents()).toEqual(['Flintlock partners lead', 'Flintlock 2019 closes']);
    const cut = page.locator(`#hit-${ids.cut}`);
    expect(await cut.locator('mark').first().textContent()).toBe('Assimi Goita');
    await cut.getByRole('link', { name: /Diff where the mention went/ }).click();
    await page.waitForURL(/\/snapshots\/\d+\/diff\?against=\d+/);
    const struck = page.locator('tr.op-removed del');
    expect((await struck.allTextContents()).some((t) => t.includes('Col. Assimi Goita, commander of Mali’s special forces'))).toBe(true);
    await page.goBack();
    await page.locator(`#hit-${ids.removed}`).getByRole('link', { name: /Diff where the mention went/ }).click();
    await page.waitForURL(/\/snapshots\/\d+\/diff\?against=\d+/);
    expect(await page.locator('table.pair').textContent()).toContain('HTTP 404');
    await page.goBack();
    await cut.getByRole('link', { name: /Last matching snapshot/ }).click();
    await page.waitForURL(/\/snapshots\/\d+$/);
    expect(await page.locator('main').textContent()).toContain('Assimi Goita');
    await page.context().close();
  });

  it('shows page text as text, and a page with nothing found says so and suggests Ever', { timeout: 60_000 }, async () => {
    const page = await signedIn('reviewer');
    await page.goto(`${rig.server.baseUrl}/search?q=${encodeURIComponent('"named here"')}&target=${ids.kept}`);
    const snippet = page.locator('ol.hits .snippet');
    // The search engine's excerpt leaves out what its parser reads as tags; what is left is shown as text.
    expect(await snippet.textContent()).toContain('document.title = "pwned" was named here');
    expect(await snippet.locator('mark').textContent()).toBe('named here');
    expect(await snippet.locator('img, script').count()).toBe(0);
    expect(await page.title()).not.toBe('pwned');

    await page.goto(`${rig.server.baseUrl}/search?q=${encodeURIComponent('"Assimi Goita"')}&target=${ids.cut}`);
    expect(await page.locator('.empty').textContent()).toContain('No page matches now.');
    await page.getByRole('link', { name: /Search every snapshot ever kept/ }).click();
    await page.waitForURL(/scope=ever/);
    expect(new URL(page.url()).searchParams.get('target')).toBe(String(ids.cut));
    expect(await page.locator('ol.hits h2').allTextContents()).toEqual(['Flintlock partners lead']);
    await page.context().close();
  });

  it('pages through the results with Next page, one at a time', { timeout: 60_000 }, async () => {
    const page = await signedIn('reviewer');
    await page.goto(`${rig.server.baseUrl}/search?q=goita&scope=ever&limit=1`);
    const seen: string[] = [];
    for (;;) {
      seen.push(...(await page.locator('ol.hits h2').allTextContents()));
      const next = page.getByRole('link', { name: 'Next page' });
      if ((await next.count()) === 0) break;
      await next.click();
      await page.waitForURL(new RegExp(`cursor=${ids[seen.length === 1 ? 'kept' : 'cut']}$`));
    }
    expect(seen).toEqual(['Flintlock 2019 opens', 'Flintlock partners lead', 'Flintlock 2019 closes']);
    await page.context().close();
  });

  it('answers a hostile query with a message on the page, never a server error', { timeout: 60_000 }, async () => {
    const page = await signedIn('reviewer');
    const cases: Array<[string, RegExp]> = [
      ['"Assimi Goita', /quoted phrase is not closed/],
      ['a'.repeat(10_000), /at most 500/],
      ['OR - * "" OR', /only operators/],
      ['   ', /the query is empty/],
    ];
    for (const [query, message] of cases) {
      const response = await page.goto(`${rig.server.baseUrl}/search?q=${encodeURIComponent(query)}`);
      expect(response?.status(), query.slice(0, 20)).toBe(400);
      expect(await page.getByRole('alert').textContent()).toMatch(message);
      expect(await page.getByRole('search').count()).toBe(1);
    }
    // SQL is only words to search for.
    const sql = await page.goto(`${rig.server.baseUrl}/search?q=${encodeURIComponent("goita'); drop table targets; --")}`);
    expect(sql?.status()).toBe(200);
    expect(await page.locator('.empty').textContent()).toContain('No page matches now.');
    for (const [filters, message] of [['target=abc', 'target must be a target id'], ['limit=5000', 'limit must be a whole number from 1 to 200']]) {
      const bad = await page.goto(`${rig.server.baseUrl}/search?q=goita&${filters}`);
      expect(bad?.status(), filters).toBe(400);
      expect(await page.getByRole('alert').textContent()).toContain(message);
    }
    // Text Postgres cannot hold is refused before the search, as on every page.
    const nul = await page.goto(`${rig.server.baseUrl}/search?q=goita&tag=a%00b`);
    expect(nul?.status()).toBe(400);
    expect(await page.locator('main').textContent()).toContain('NUL character');
    await page.context().close();
  });

  it('keeps a search as an alert for its keeper, once, from the results page', { timeout: 60_000 }, async () => {
    const page = await signedIn('researcher');
    await page.getByLabel('Search the archive').fill('goita OR goïta');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.waitForURL(/\/search\?/);
    // A researcher may not read snapshots: the hits are there, without links to them.
    expect(await page.locator('ol.hits > li').count()).toBe(1);
    expect(await page.getByRole('link', { name: /Last matching snapshot/ }).count()).toBe(0);

    await page.getByRole('button', { name: 'Alert me when a page stops matching' }).click();
    await page.waitForURL(/done=saved/);
    expect(await page.getByRole('status').textContent()).toContain('"Phrase removed" alert');
    expect(new URL(page.url()).searchParams.get('q')).toBe('goita OR goïta');
    const token = await findApiToken(rig.server.ctx.pool, rig.server.tokens.researcher);
    const saved = await listSavedSearchesPage(rig.server.ctx.pool, { limit: 10 });
    expect(saved).toEqual([expect.objectContaining({ query: 'goita OR goïta', targetId: null, tag: null, sourceId: null, createdBy: 'researcher (test)', ownerTokenId: token!.id })]);

    await page.getByRole('button', { name: 'Alert me when a page stops matching' }).click();
    await page.waitForURL(/done=kept/);
    expect(await page.getByRole('status').textContent()).toContain('saved this search already');
    expect(await listSavedSearchesPage(rig.server.ctx.pool, { limit: 10 })).toHaveLength(1);

    // The session alone is not enough: a post without the form's CSRF token keeps nothing.
    const forged = await page.request.post(`${rig.server.baseUrl}/search/saved`, { form: { q: 'hicks' }, maxRedirects: 0 });
    expect(forged.status()).toBe(403);
    expect(await listSavedSearchesPage(rig.server.ctx.pool, { limit: 10 })).toHaveLength(1);
    await page.context().close();
  });
});
