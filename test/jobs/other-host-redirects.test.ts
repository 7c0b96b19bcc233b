import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { flintlockArticle, startFixtureSite, type ArticleSpec, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { listingPage } from '../../src/demo/site-pages.ts';
import { getTarget } from '../../src/db/targets.ts';
import { listAlerts } from '../../src/db/alerts.ts';

/** Stories of the other host, so its home, section and search pages list real teasers. */
const otherStory = (title: string, lead: string): ArticleSpec => ({
  ...flintlockArticle,
  title,
  byline: 'By Jane Peterson, NASA Earth Science News Team',
  paragraphs: [lead, 'Scientists will publish the full data set later this year, with maps of every region studied.'],
  photos: [],
  tweet: null,
  related: [],
});
const SEA_LEVEL = otherStory('Sea level rise along the Gulf Coast', 'NASA satellites track sea level rise along the Gulf Coast as scientists publish a new decade of measurements.');
const METHANE = otherStory('A global map of methane emissions', 'A new global map of methane emissions shows where the gas leaks from wells, pipelines and landfills.');

describe('a redirect to another host, through real captures of two fixture sites', () => {
  const rig = useFixtureRig();
  let other: FixtureSite;
  beforeAll(async () => {
    rig.site.home();
    other = await startFixtureSite();
    other.home();
    other.article('/earth/2019/sea-level', SEA_LEVEL);
    other.article('/earth/methane-map', METHANE);
    const listed = [{ path: '/earth/2019/sea-level', spec: SEA_LEVEL }, { path: '/earth/methane-map', spec: METHANE }];
    other.html('/climate-change', listingPage('Climate change', listed));
    other.html('/search', listingPage('Search results', listed));
  });
  afterAll(() => other?.close());

  it.each([
    ['its home page', '/', 'redirect_to_other_host_home'],
    ['a section page', '/climate-change', 'redirect_to_other_host_section'],
    ['its search page', '/search?q=flintlock+2019', 'redirect_to_other_host_search'],
    ['an unrelated story deep in it', '/earth/2019/sea-level', 'redirect_to_unrelated_page'],
  ])('page_removed for a redirect to %s, once confirmed', async (_, landing, signal) => {
    const path = `/news/sent-away-${signal}`;
    const page = await watchPage(rig.ctx, rig.site, path, articleFor(path));
    expect(await page.captureTimes(1)).toEqual([]);
    rig.site.redirect(path, other.url(landing), 301);
    const first = await page.capture();
    expect(first.snapshot.finalUrl).toBe(other.url(landing));
    expect(first.alerts).toEqual([]);
    expect(first.lifecycle).toBe('suspect');
    const second = await page.capture();
    expect(second.alerts.map((a) => [a.kind, a.severity])).toEqual([['page_removed', 'high']]);
    expect(second.alerts[0]!.evidence).toMatchObject({
      firstWithoutSnapshotId: first.snapshot.id,
      items: [expect.objectContaining({ signal, finalUrl: other.url(landing), articleCarried: { blocks: 0, of: 6 } })],
    });
    expect((await getTarget(rig.ctx.pool, page.targetId))?.lifecycle).toBe('removed');
  });

  it("page_moved (low), not a removal, for a redirect to another host's copy of the article", async () => {
    const path = '/news/moved-to-other-host';
    const spec = articleFor(path);
    const page = await watchPage(rig.ctx, rig.site, path, spec);
    await page.capture();
    // The copy on its new host: another date line and view counter, its own related stories; the same text and photos.
    const copyPath = '/media/news/2019/flintlock-2019-begins';
    other.article(copyPath, { ...spec, date: 'Feb. 19, 2019', views: 1204, related: [SEA_LEVEL.title, METHANE.title] });
    rig.site.redirect(path, other.url(copyPath), 301);
    expect(await page.captureTimes(3)).toEqual(['page_moved']);
    const alerts = await listAlerts(rig.ctx.pool, { targetId: page.targetId });
    expect(alerts.map((a) => [a.kind, a.severity])).toEqual([['page_moved', 'low']]);
    expect(alerts[0]!.evidence).toMatchObject({ items: [expect.objectContaining({ to: other.url(copyPath), articleCarried: { blocks: 6, of: 6 } })] });
    expect((await getTarget(rig.ctx.pool, page.targetId))?.lifecycle).toBe('live');
  });
});
