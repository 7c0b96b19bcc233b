import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { getTierState } from '../../src/db/target-tiers.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;
const textOnly = (path: string) => ({ ...articleFor(path), photos: [] });
const MODIFIED = 'Tue, 19 Feb 2019 08:30:00 GMT';

describe('the cheap tier and the validators a site gives: honoured, absent, lying', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());

  it('an ETag honoured: the cheap check is a conditional request the site answers 304', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/etag', textOnly('/news/etag'));
    rig.site.versionedArticle(page.path, textOnly(page.path), { etag: '"v1"', conditional: 'honour' });
    await page.capture();
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ etag: '"v1"', lastModified: null, trustsValidators: true });
    const second = await page.capture();
    expect(second.snapshot).toMatchObject({ tier: 'cheap', status: 200, fetcher: 'http' });
    expect(second.change?.record.unchanged).toBe(true);
    expect(rig.site.notModified(page.path)).toBe(1);
    // A new version with a new ETag: the site answers the page, whose text differs.
    rig.site.versionedArticle(page.path, { ...textOnly(page.path), paragraphs: flintlockArticle.paragraphs.filter((p) => p !== GOITA) }, { etag: '"v2"' });
    const third = await page.capture();
    expect(third.snapshot).toMatchObject({ tier: 'full', escalation: 'validator_changed' });
    expect(third.change?.record.unchanged).toBe(false);
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ etag: '"v2"', trustsValidators: true });
  });

  it('If-Modified-Since honoured, and a new Last-Modified over the same text is still the page as before', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/modified', textOnly('/news/modified'));
    rig.site.versionedArticle(page.path, textOnly(page.path), { lastModified: MODIFIED });
    await page.capture();
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    expect(rig.site.notModified(page.path)).toBe(1);
    rig.site.versionedArticle(page.path, textOnly(page.path), { lastModified: 'Wed, 20 Feb 2019 09:00:00 GMT' });
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ lastModified: 'Wed, 20 Feb 2019 09:00:00 GMT' });
  });

  it('no validators: the plain print answers, and catches a cut paragraph', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/bare', textOnly('/news/bare'));
    rig.site.versionedArticle(page.path, textOnly(page.path), {});
    await page.capture();
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ etag: null, lastModified: null });
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    expect(rig.site.notModified(page.path)).toBe(0);
    rig.site.versionedArticle(page.path, { ...textOnly(page.path), paragraphs: flintlockArticle.paragraphs.filter((p) => p !== GOITA) }, {});
    expect((await page.capture()).snapshot).toMatchObject({ tier: 'full', escalation: 'hash_changed' });
  });

  it('lying validators (one ETag whatever the body, If-None-Match ignored): the print catches it, the ETag is distrusted', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/lying', textOnly('/news/lying'));
    rig.site.versionedArticle(page.path, textOnly(page.path), { etag: '"forever"', conditional: 'ignore' });
    await page.capture();
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    rig.site.versionedArticle(page.path, { ...textOnly(page.path), paragraphs: flintlockArticle.paragraphs.filter((p) => p !== GOITA) }, { etag: '"forever"', conditional: 'ignore' });
    const seen = await page.capture();
    expect(seen.snapshot).toMatchObject({ tier: 'full', escalation: 'hash_changed' });
    expect(seen.change?.record.unchanged).toBe(false);
    expect(await getTierState(rig.ctx.pool, page.targetId)).toMatchObject({ etag: '"forever"', trustsValidators: false });
    // Confirmed in the browser; then the page is plainly live again and the cheap tier answers without validators.
    expect((await page.capture()).alerts.map((a) => a.kind).sort()).toEqual(['content_removed', 'phrase_removed']);
    expect((await page.capture()).snapshot.tier).toBe('cheap');
    expect(rig.site.notModified(page.path)).toBe(0);
  });
});
