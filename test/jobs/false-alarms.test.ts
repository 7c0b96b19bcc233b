import { describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { flintlockArticle, type ArticleSpec } from '../../src/demo/fixture-site.ts';
import { captureTarget } from '../../src/capture/capture.ts';
import { captureRequestFor } from '../../src/capture/capture-request.ts';
import { requireTarget } from '../../src/db/targets.ts';
import { classifyOutcome } from '../../src/detect/outcome.ts';
import { saveCapture } from '../../src/watch/save-capture.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

/**
 * The negatives that matter most: each page is captured as it was, changed (or made to fail) the way real pages
 * do without anything being taken down, and captured three more times. Nothing may be raised.
 */
describe('no false alarms through real captures of the fixture site', () => {
  const rig = useFixtureRig();

  const changes: Array<[string, Partial<ArticleSpec>, Partial<ArticleSpec>]> = [
    ['a rotating related-stories box inside the article', { inlineRelated: ['Flintlock 2018 wraps up in Niger', 'AFRICOM commander visits Mauritania'] }, { inlineRelated: ['Partner nations plan Flintlock 2020 in Senegal', 'Medics train together in Atar'] }],
    ['a changing view counter and last-updated time', { views: 1204, updated: 'Feb. 18, 2019 10:42 AM' }, { views: 1377, updated: 'Feb. 19, 2019 08:03 AM' }],
    ['an edited typo', {}, { paragraphs: flintlockArticle.paragraphs.map((p) => (p === GOITA ? p.replace('rehearse', 'practise') : p)) }],
    ['lazy-loaded photos', { lazyPhotos: true }, { lazyPhotos: true }],
    ['an article body rendered by JavaScript', { renderWithJs: true }, { renderWithJs: true }],
    ['a new paragraph added', {}, { paragraphs: [...flintlockArticle.paragraphs, 'Editor’s note: this article was updated to correct the number of participating nations, which is 32.'] }],
  ];

  it.each(changes)('raises nothing for %s', async (name, before, after) => {
    const path = `/news/benign-${name.replace(/\W+/g, '-')}`;
    const base = articleFor(path);
    const page = await watchPage(rig.ctx, rig.site, path, { ...base, ...before });
    const first = await page.capture();
    expect(first.snapshot.outcome?.kind).toBe('ok');
    // The page was really read: its paragraphs, both photos (loaded), the tweet.
    expect(first.snapshot.counts.blocks).toBeGreaterThan(flintlockArticle.paragraphs.length);
    expect(first.snapshot.counts).toMatchObject({ media: 2, embeds: 1 });
    rig.site.article(path, { ...base, ...after });
    expect(await page.captureTimes(3)).toEqual([]);
  });

  it('raises nothing for a carousel that swaps a photo in the same place', async () => {
    const base = articleFor('/photos/carousel');
    const page = await watchPage(rig.ctx, rig.site, '/photos/carousel', { ...base, photos: [{ ...base.photos[1]!, file: 'carousel-1.png' }] });
    await page.capture();
    rig.site.article(page.path, { ...base, photos: [{ ...base.photos[1]!, file: 'carousel-2.png' }] });
    expect(await page.captureTimes(3)).toEqual([]);
  });

  it('raises nothing for a page that times out once, then answers again', async () => {
    const spec = articleFor('/news/slow-once');
    const page = await watchPage(rig.ctx, rig.site, '/news/slow-once', spec, { timeoutMs: 2_000 });
    await page.capture();
    rig.site.hang(page.path);
    const hung = await page.capture();
    expect(hung.snapshot.outcome).toEqual({ kind: 'error', signal: 'network_timeout' });
    rig.site.article(page.path, spec);
    expect(await page.captureTimes(2)).toEqual([]);
    expect(hung.alerts).toEqual([]);
  });

  it('raises nothing for a 503 once, then back', async () => {
    const spec = articleFor('/news/503-once');
    const page = await watchPage(rig.ctx, rig.site, '/news/503-once', spec);
    await page.capture();
    rig.site.fail(page.path, 503);
    expect((await page.capture()).snapshot.outcome?.kind).toBe('error');
    rig.site.article(page.path, spec);
    expect(await page.captureTimes(2)).toEqual([]);
  });

  it('raises nothing for a removal seen once and then undone (the suspicion is cleared)', async () => {
    const spec = articleFor('/news/flicker');
    const page = await watchPage(rig.ctx, rig.site, '/news/flicker', spec);
    await page.capture();
    rig.site.gone(page.path, 404);
    expect((await page.capture()).lifecycle).toBe('suspect');
    rig.site.article(page.path, spec);
    const back = await page.capture();
    expect(back.lifecycle).toBe('live');
    expect(back.alerts).toEqual([]);
  });

  it('raises nothing while a firewall blocks the watch for less than the span', async () => {
    const spec = articleFor('/news/blocked-briefly');
    const page = await watchPage(rig.ctx, rig.site, '/news/blocked-briefly', spec);
    await page.capture();
    rig.site.blocked(page.path);
    expect(await page.captureTimes(2)).toEqual([]);
    rig.site.article(page.path, spec);
    expect(await page.captureTimes(1)).toEqual([]);
  });

  it('raises nothing for a capture of the page gone that is saved after a later capture of it back', async () => {
    // Removals raised at the first sighting: the late capture alone would be enough to raise one.
    const spec = articleFor('/news/overtaken');
    const page = await watchPage(rig.ctx, rig.site, '/news/overtaken', spec, { confirm: 1 });
    await page.capture();
    rig.site.gone(page.path, 404);
    const target = await requireTarget(rig.ctx.pool, page.targetId);
    const { request, limits } = captureRequestFor(target, rig.ctx.config);
    // Captured now, saved last: a slow capture overtaken by another of the same target (a manual check, a recheck).
    const slow = await captureTarget(rig.ctx.browser, request, limits, rig.ctx.logger);
    expect(slow.status).toBe(404);
    rig.site.article(page.path, spec);
    const back = await page.capture();
    expect(back.alerts).toEqual([]);

    const late = await saveCapture(rig.ctx.pool, target, 'overtaken-1', slow, {
      outcome: classifyOutcome({ status: slow.status, errorCode: null, headers: slow.headers, facts: slow.facts, finalUrl: slow.finalUrl }),
      hostNotFound: null,
      unreachableAfterMs: rig.ctx.config.unreachableAfterMs,
      maxRechecks: rig.ctx.config.maxRechecks,
      confirmMinGapMs: rig.ctx.config.confirmMinGapMs,
    });
    // Kept as evidence, neither compared nor judged.
    expect(late).toMatchObject({ late: true, alerts: [], change: null, lifecycle: 'live', recheck: false });
    expect(late.snapshot).toMatchObject({ status: 404, outcome: { kind: 'gone' } });
    // The next capture is compared with the one that began last, not with the one saved last.
    const next = await page.capture();
    expect(next.change).toMatchObject({ previousSnapshotId: back.snapshot.id, unchanged: true });
    expect(next.alerts).toEqual([]);
  });
});
