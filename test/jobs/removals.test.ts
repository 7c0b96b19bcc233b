import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, watchPage } from '../helpers/watch.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { getBlob } from '../../src/db/blobs.ts';
import { getHostProbe } from '../../src/db/host-probes.ts';
import { getTarget } from '../../src/db/targets.ts';
import { listAlerts } from '../../src/db/alerts.ts';

const GOITA = flintlockArticle.paragraphs.find((p) => p.includes('Goita'))!;

describe('every removal kind, raised through real captures of the fixture site', () => {
  const rig = useFixtureRig({ SCRUBWATCH_UNREACHABLE_AFTER: '1s' });
  beforeAll(() => rig.site.home());
  /** The severity of each alert a page raised, by kind: what `alerts --json` and every delivery show. */
  const severities = async (targetId: number) => Object.fromEntries((await listAlerts(rig.ctx.pool, { targetId })).map((a) => [a.kind, a.severity]));

  it.each([
    ['a 404', (p: string) => rig.site.gone(p, 404), 'status_404'],
    ['a 410', (p: string) => rig.site.gone(p, 410), 'status_410'],
    ['a soft 404 (200 with a not-found page)', (p: string) => rig.site.softGone(p), 'soft_404_wording'],
    ['a redirect to the home page', (p: string) => rig.site.redirect(p, '/'), 'redirect_to_site_root'],
    ['a redirect to the news listing', (p: string) => rig.site.redirect(p, '/news'), 'redirect_to_listing'],
  ])('page_removed for %s, once confirmed, with the signal that fired', async (_, takeDown, signal) => {
    const page = await watchPage(rig.ctx, rig.site, `/news/removed-${signal}`, articleFor(`/news/removed-${signal}`));
    expect(await page.captureTimes(1)).toEqual([]);
    takeDown(page.path);
    const first = await page.capture();
    expect(first.alerts).toEqual([]);
    expect(first.lifecycle).toBe('suspect');
    const second = await page.capture();
    expect(second.alerts.map((a) => a.kind)).toEqual(['page_removed']);
    expect(second.alerts[0]!.severity).toBe('high');
    expect(second.alerts[0]!.evidence).toMatchObject({ firstWithoutSnapshotId: first.snapshot.id, items: [expect.objectContaining({ signal })] });
    expect((await getTarget(rig.ctx.pool, page.targetId))?.lifecycle).toBe('removed');
    expect(await page.captureTimes(1)).toEqual([]);
  });

  it('content_removed and phrase_removed when the paragraph naming Col. Goita is cut', async () => {
    // Only the range photo: the other's caption names him too, and would keep the phrase on the page.
    const spec = articleFor('/news/cut-paragraph');
    const page = await watchPage(rig.ctx, rig.site, '/news/cut-paragraph', { ...spec, photos: spec.photos.slice(1) });
    await page.capture();
    rig.site.article(page.path, { ...spec, photos: spec.photos.slice(1), paragraphs: flintlockArticle.paragraphs.filter((p) => p !== GOITA) });
    const saved = [await page.capture(), await page.capture()];
    expect(saved[0]!.alerts).toEqual([]);
    const kinds = saved[1]!.alerts.map((a) => a.kind).sort();
    expect(kinds).toEqual(['content_removed', 'phrase_removed']);
    const content = saved[1]!.alerts.find((a) => a.kind === 'content_removed')!;
    expect(content.evidence.items).toEqual([expect.objectContaining({ kind: 'paragraph', text: GOITA })]);
    expect(content.severity).toBe('medium');
    expect(saved[1]!.alerts.find((a) => a.kind === 'phrase_removed')!.severity).toBe('high');
  });

  it('media_removed when a photo is pulled, with its stored file as proof', async () => {
    const spec = articleFor('/photos/pulled');
    const page = await watchPage(rig.ctx, rig.site, '/photos/pulled', spec);
    await page.capture();
    rig.site.article(page.path, { ...spec, photos: spec.photos.slice(1) });
    // The photo's caption and alt text named Col. Goita: two mentions cut, the paragraph naming him left.
    expect((await page.captureTimes(2)).sort()).toEqual(['media_removed', 'phrase_removed']);
    expect(await severities(page.targetId)).toEqual({ media_removed: 'medium', phrase_removed: 'high' });
    const [phrase] = await listAlerts(rig.ctx.pool, { targetId: page.targetId, kind: 'phrase_removed' });
    expect(phrase!.evidence.items).toEqual([
      expect.objectContaining({ part: 'caption', remaining: 1 }),
      { phrase: 'Assimi Goita', sentence: spec.photos[0]!.alt, part: 'caption', remaining: 1 },
    ]);
    const [alert] = await listAlerts(rig.ctx.pool, { targetId: page.targetId, kind: 'media_removed' });
    const item = (alert!.evidence.items as Array<{ url: string; blobSha256: string; caption: string }>)[0]!;
    expect(item.url).toBe(rig.site.url(`/images/${spec.photos[0]!.file}`));
    expect(item.caption).toBe(spec.photos[0]!.caption);
    const file = await getBlob(rig.ctx.pool, item.blobSha256);
    expect(file?.mediaType).toBe('image/png');
  });

  it('media_removed when the photo stays on the page but its file answers 404', async () => {
    const spec = articleFor('/photos/file-gone');
    const page = await watchPage(rig.ctx, rig.site, '/photos/file-gone', spec);
    await page.capture();
    rig.site.gone(`/images/${spec.photos[1]!.file}`, 404);
    const first = await page.capture();
    const second = await page.capture();
    expect([...first.alerts, ...second.alerts].map((a) => a.kind)).toEqual(['media_removed']);
    expect(second.alerts[0]!.evidence.items).toEqual([expect.objectContaining({ reason: 'file_no_longer_loads', status: 404 })]);
  });

  it('embed_removed when the embedded tweet is taken out', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/tweet-gone', articleFor('/news/tweet-gone'));
    await page.capture();
    rig.site.article(page.path, articleFor(page.path, { tweet: null }));
    expect(await page.captureTimes(2)).toEqual(['embed_removed']);
    expect(await severities(page.targetId)).toEqual({ embed_removed: 'medium' });
  });

  it('page_moved (low, not a removal) when the article redirects to its new home', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/old-home', articleFor('/news/old-home'));
    await page.capture();
    rig.site.article('/news/2019/new-home', articleFor('/news/old-home'));
    rig.site.redirect(page.path, '/news/2019/new-home', 301);
    const kinds = await page.captureTimes(3);
    expect(kinds).toEqual(['page_moved']);
    expect(await severities(page.targetId)).toEqual({ page_moved: 'low' });
  });

  it('page_restored when a removed page comes back', async () => {
    const spec = articleFor('/news/back-again');
    const page = await watchPage(rig.ctx, rig.site, '/news/back-again', spec, { confirm: 1 });
    await page.capture();
    rig.site.gone(page.path, 404);
    expect(await page.captureTimes(1)).toEqual(['page_removed']);
    rig.site.article(page.path, spec);
    expect(await page.captureTimes(2)).toEqual(['page_restored']);
    expect(await severities(page.targetId)).toEqual({ page_removed: 'high', page_restored: 'low' });
    expect((await getTarget(rig.ctx.pool, page.targetId))?.lifecycle).toBe('restored');
  });

  it('page_blocked when every capture over the span met a firewall, never a removal', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/behind-akamai', articleFor('/news/behind-akamai'));
    await page.capture();
    rig.site.blocked(page.path);
    const first = await page.capture();
    expect(first.snapshot.outcome).toEqual({ kind: 'blocked', signal: 'waf_akamai' });
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await page.captureTimes(2)).toEqual(['page_blocked']);
    expect(await severities(page.targetId)).toEqual({ page_blocked: 'low' });
    expect((await getTarget(rig.ctx.pool, page.targetId))?.lifecycle).toBe('blocked');
  });

  it('page_unreachable when every capture over the span failed (5xx)', async () => {
    const page = await watchPage(rig.ctx, rig.site, '/news/down', articleFor('/news/down'));
    await page.capture();
    rig.site.fail(page.path, 503);
    expect(await page.captureTimes(1)).toEqual([]);
    await new Promise((r) => setTimeout(r, 1_100));
    expect(await page.captureTimes(2)).toEqual(['page_unreachable']);
    expect(await severities(page.targetId)).toEqual({ page_unreachable: 'low' });
    rig.site.article(page.path, articleFor('/news/down'));
    expect(await page.captureTimes(1)).toEqual([]);
    expect((await getTarget(rig.ctx.pool, page.targetId))?.lifecycle).toBe('live');
  });

  it("probes the host's not-found page when a page changes, and keeps it", async () => {
    const probe = await getHostProbe(rig.ctx.pool, new URL(rig.site.origin).host);
    expect(probe).toMatchObject({ status: 404, redirected: false });
    expect(probe?.requestedUrl).toMatch(/\/scrubwatch-probe-[0-9a-f]{16}$/);
  });
});
