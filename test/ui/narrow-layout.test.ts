import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright';
import { signInAs, useUiRig } from '../helpers/ui.ts';
import { articleFor, watchPage, withoutPhrase } from '../helpers/watch.ts';
import { addSource } from '../../src/sources/manage-sources.ts';

const WIDTH = 400;

/** The innermost elements reaching past the screen's right edge, named by tag and class: what a failure points at. */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate((width) => {
    const out = [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > width + 0.5);
    return out.filter((el) => !out.some((o) => o !== el && el.contains(o))).slice(0, 8).map((el) => `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} ${Math.round(el.getBoundingClientRect().right)}`);
  }, WIDTH);
}

describe(`every page holds at ${WIDTH} px wide: no sideways scroll of the page`, () => {
  const rig = useUiRig();

  it('inbox, alert, diff, snapshot, target, targets, sources, search and sign-in fit the screen', { timeout: 300_000 }, async () => {
    const { server, site, browser } = rig;
    site.home();
    const path = '/news/narrow-layout-article';
    const spec = articleFor(path);
    const page = await watchPage(server.ctx, site, path, spec);
    const baseline = await page.capture();
    site.article(path, withoutPhrase(spec, 'Assimi Goita'));
    await page.capture();
    const confirmed = await page.capture();
    const alert = confirmed.alerts[0]!;
    expect(alert).toBeDefined();
    await addSource(server.ctx, { url: site.url('/sitemap.xml'), kind: 'sitemap', name: 'A source with a long name, so the sources table has something to hold' });

    const pages: Record<string, string> = {
      inbox: '/alerts',
      alert: `/alerts/${alert.id}`,
      diff: `/snapshots/${confirmed.snapshot.id}/diff?against=${baseline.snapshot.id}`,
      snapshot: `/snapshots/${baseline.snapshot.id}`,
      target: `/targets/${page.targetId}`,
      targets: '/targets',
      sources: '/sources',
      search: `/search?q=${encodeURIComponent('"Flintlock"')}`,
    };
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 800 } });
    try {
      const ui = await context.newPage();
      await ui.goto(`${server.baseUrl}/signin`);
      const culprits: Record<string, string[]> = {};
      const widths: Record<string, number> = { signin: await ui.evaluate(() => document.documentElement.scrollWidth) };
      await signInAs(ui, server.baseUrl, server.tokens.admin, 'admin');
      for (const [name, url] of Object.entries(pages)) {
        const res = await ui.goto(`${server.baseUrl}${url}`);
        expect(res?.status(), name).toBe(200);
        await ui.waitForLoadState('load');
        widths[name] = await ui.evaluate(() => document.documentElement.scrollWidth);
        if (widths[name]! > WIDTH) culprits[name] = await overflowing(ui);
      }
      const tooWide = Object.entries(widths).filter(([, w]) => w > WIDTH);
      expect(tooWide, `pages wider than the screen, with their scrollWidth; what sticks out: ${JSON.stringify(culprits)}`).toEqual([]);
      expect(Object.keys(widths)).toHaveLength(9);
    } finally {
      await context.close();
    }
  });
});
