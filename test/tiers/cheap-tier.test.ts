import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { getTierState, putTierState } from '../../src/db/target-tiers.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { listAlerts } from '../../src/db/alerts.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

/** An article with nothing but text (no photos, no documents): what the cheap tier can answer for alone. */
const textOnly = (path: string) => ({ ...articleFor(path), photos: [] });

describe('the cheap tier: an unchanged page answered over plain HTTP, anything else in the browser', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());

  /** No alert of the target names a snapshot the cheap tier answered: removals are only ever raised from the browser. */
  async function expectNoCheapAlert(targetId: number): Promise<void> {
    const cheap = new Set((await listSnapshots(rig.ctx.pool, targetId)).filter((s) => s.tier === 'cheap').map((s) => s.id));
    for (const alert of await listAlerts(rig.ctx.pool, { targetId })) expect(cheap.has(alert.snapshotId)).toBe(false);
  }

  it('a static article unchanged: the second check is cheap, opens no browser context, and no browser request reaches the site', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/static', textOnly('/news/static'));
    const first = await page.capture();
    expect(first.snapshot).toMatchObject({ tier: 'full', escalation: 'first', fetcher: 'browser' });
    const state = await getTierState(rig.ctx.pool, page.targetId);
    expect(state).toMatchObject({ scriptDependent: false, fullSnapshotId: first.snapshot.id, trustsValidators: true });
    expect(state?.plainPrint).toMatch(/^[0-9a-f]{64}$/);
    const browserHits = rig.site.browserHits(page.path);
    const contexts = rig.ctx.browser.contextsOpened();
    const second = await page.capture();
    expect(second.snapshot).toMatchObject({ tier: 'cheap', escalation: null, fetcher: 'http', status: 200 });
    expect(second.change?.record).toMatchObject({ unchanged: true });
    expect(second.snapshot.parts).toEqual(first.snapshot.parts);
    expect(rig.site.browserHits(page.path)).toBe(browserHits);
    expect(rig.ctx.browser.contextsOpened()).toBe(contexts);
  });

  it('a paragraph cut: the cheap check escalates (hash_changed) and the browser finds the removal', async () => {
    const spec = textOnly('/news/cut');
    const page = await watchPage(rig.ctx, rig.site, '/news/cut', spec);
    await page.capture();
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    rig.site.article(page.path, { ...spec, paragraphs: spec.paragraphs.filter((p) => p !== GOITA) });
    const seen = await page.capture();
    expect(seen.snapshot).toMatchObject({ tier: 'full', escalation: 'hash_changed', fetcher: 'browser' });
    expect(seen.change?.record.unchanged).toBe(false);
    expect(seen.lifecycle).toBe('suspect');
    const confirmed = await page.capture();
    expect(confirmed.snapshot).toMatchObject({ tier: 'full', escalation: 'suspected' });
    expect(confirmed.alerts.map((a) => a.kind).sort()).toEqual(['content_removed', 'phrase_removed']);
    expect(confirmed.alerts.find((a) => a.kind === 'content_removed')!.evidence.items).toEqual([expect.objectContaining({ kind: 'paragraph', text: GOITA })]);
    // The fixture's articles keep one Last-Modified whatever they say: the page changed under it.
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ trustsValidators: false });
    await expectNoCheapAlert(page.targetId);
  });

  it('a 404 on the cheap tier goes to the browser (status_changed), which confirms it before any alert', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/deleted', textOnly('/news/deleted'));
    await page.capture();
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    rig.site.gone(page.path, 404);
    const seen = await page.capture();
    expect(seen.snapshot).toMatchObject({ tier: 'full', escalation: 'status_changed', fetcher: 'browser', status: 404 });
    expect(seen.alerts).toEqual([]);
    const confirmed = await page.capture();
    expect(confirmed.snapshot).toMatchObject({ tier: 'full', escalation: 'suspected' });
    expect(confirmed.alerts.map((a) => a.kind)).toEqual(['page_removed']);
    // Removed stays in the browser: the cheap tier answers only for plainly live pages.
    expect((await page.capture()).snapshot).toMatchObject({ tier: 'full', escalation: 'suspected' });
    await expectNoCheapAlert(page.targetId);
  });

  it('a redirect on the cheap tier goes to the browser as moved', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/moved', textOnly('/news/moved'));
    await page.capture();
    rig.site.redirect(page.path, '/news');
    expect((await page.capture()).snapshot).toMatchObject({ tier: 'full', escalation: 'moved', fetcher: 'browser' });
    await expectNoCheapAlert(page.targetId);
  });

  it('fullEvery passed: a periodic full capture, though the page is unchanged', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/periodic', textOnly('/news/periodic'), { fullEvery: '1h' });
    await page.capture();
    // An hour passes: the learned full capture is put back in time rather than the test waiting for it.
    const learned = { ...(await getTierState(rig.ctx.pool, page.targetId))!, fullAt: new Date(Date.now() - 3_601_000) };
    await putTierState(rig.ctx.pool, learned);
    const second = await page.capture();
    expect(second.snapshot).toMatchObject({ tier: 'full', escalation: 'periodic', fetcher: 'browser' });
    expect(second.change?.record.unchanged).toBe(true);
    // An unchanged full capture moves the learned state's time and snapshot on, nothing else.
    const moved = (await getTierState(rig.ctx.pool, page.targetId))!;
    expect(moved).toMatchObject({ fullSnapshotId: second.snapshot.id, plainPrint: learned.plainPrint, scriptDependent: false });
    expect(moved.fullAt.getTime()).toBeGreaterThan(learned.fullAt.getTime());
  });

  it('a page with photos: cheap while its photos answer 304, in the browser (files_changed) once one is replaced behind its URL', async () => {
    const spec = articleFor('/news/with-photos');
    const page = await watchPage(rig.ctx, rig.site, '/news/with-photos', spec);
    const first = await page.capture();
    expect((await page.capture()).snapshot).toMatchObject({ tier: 'cheap', escalation: null });
    rig.site.replacePhoto(spec.photos[0]!.file);
    const seen = await page.capture();
    expect(seen.snapshot).toMatchObject({ tier: 'full', escalation: 'files_changed', fetcher: 'browser' });
    // The browser read and stored the new file (the fixture's replacement is the same solid picture at another size,
    // which the detector rightly takes for a re-encoding, not a removal).
    expect(seen.snapshot.fingerprint).not.toBe(first.snapshot.fingerprint);
    expect(seen.snapshot.parts.facts).not.toBe(first.snapshot.parts.facts);
    await expectNoCheapAlert(page.targetId);
  });
});
