import { beforeAll, describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor } from '../helpers/watch.ts';
import { addSource } from '../../src/sources/manage-sources.ts';
import { runSource } from '../../src/sources/run-source.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { findTargetByUrl } from '../../src/db/targets.ts';
import type { Discovered } from '../../src/sources/discovered.ts';
import type { NewSourceInput, SourceRunResult } from '../../src/sources/source-model.ts';

async function* stream(items: Discovered[]): AsyncGenerator<Discovered> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

describe('delisting: a page a complete source stops listing while it still answers', () => {
  const rig = useFixtureRig();
  beforeAll(() => rig.site.home());
  let n = 0;

  /** A source over fixture pages of its own, read through runSource with the stream a test hands it. */
  async function sourceOver(name: string, paths: string[], input: Partial<NewSourceInput> = {}) {
    for (const p of paths) rig.site.article(p, articleFor(p));
    const src = await addSource(rig.ctx, { url: rig.site.url(`/${name}.xml`), kind: 'sitemap', ...input });
    return {
      src,
      run: async (listed: string[], extra: Discovered[] = []): Promise<SourceRunResult> => {
        const items: Discovered[] = [...listed.map((p): Discovered => ({ type: 'page', url: rig.site.url(p), lastmod: null })), ...extra];
        const result = await runSource(rig.ctx, src.id, `test-read-${++n}`, 'manual', stream(items));
        if (!result) throw new Error('the source is gone');
        return result;
      },
      targetId: async (path: string) => (await findTargetByUrl(rig.ctx.pool, rig.site.url(path)))!.id,
      capture: async (path: string) => runCapture(rig.ctx, (await findTargetByUrl(rig.ctx.pool, rig.site.url(path)))!.id, `test-capture-${++n}`),
    };
  }
  const delistedAlerts = (targetId: number) => listAlerts(rig.ctx.pool, { targetId, kind: 'page_delisted' });
  const listing = async (sourceId: number, targetId: number) =>
    (await rig.ctx.pool.query('select missed_runs, delisted_at from source_pages where source_id = $1 and target_id = $2', [sourceId, targetId])).rows[0];

  it('raises page_delisted once after two complete runs without the page, not after one; listed again clears it silently', async () => {
    const s = await sourceOver('sitemap-delist', ['/news/kept', '/news/dropped']);
    expect(await s.run(['/news/kept', '/news/dropped'])).toMatchObject({ added: 2, delisted: 0 });
    const dropped = await s.targetId('/news/dropped');
    expect((await s.capture('/news/dropped')).snapshot.outcome?.kind).toBe('ok');

    expect(await s.run(['/news/kept'])).toMatchObject({ delisted: 0 });
    expect(await delistedAlerts(dropped)).toEqual([]);
    expect(await s.run(['/news/kept'])).toMatchObject({ delisted: 1 });
    const alerts = await delistedAlerts(dropped);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: 'medium', evidence: { sourceId: s.src.id, sourceKind: 'sitemap', sourceUrl: s.src.url, missedRuns: 2 } });
    expect(alerts[0]!.summary).toContain('still answers');
    expect(Date.parse(alerts[0]!.evidence.lastListedAt as string)).toBeGreaterThan(0);
    expect(await s.run(['/news/kept'])).toMatchObject({ delisted: 0 });
    expect(await delistedAlerts(dropped)).toHaveLength(1);

    expect(await s.run(['/news/kept', '/news/dropped'])).toMatchObject({ delisted: 0 });
    expect(await listing(s.src.id, dropped)).toEqual({ missed_runs: 0, delisted_at: null });
    expect(await delistedAlerts(dropped)).toHaveLength(1);

    // Dropped again with no capture since: the alert of this transition waits for a newer capture to stand on.
    await s.run(['/news/kept']);
    expect(await s.run(['/news/kept'])).toMatchObject({ delisted: 0 });
    await s.capture('/news/dropped');
    expect(await s.run(['/news/kept'])).toMatchObject({ delisted: 1 });
    expect(await delistedAlerts(dropped)).toHaveLength(2);
  });

  it('does not count a run that met a problem or hit its cap, nor a feed\'s runs, nor a page that no longer answers', async () => {
    const s = await sourceOver('sitemap-incomplete', ['/inc/a', '/inc/b', '/inc/gone']);
    await s.run(['/inc/a', '/inc/b', '/inc/gone']);
    const [b, gone] = [await s.targetId('/inc/b'), await s.targetId('/inc/gone')];
    await s.capture('/inc/b');
    rig.site.gone('/inc/gone', 404);
    await s.capture('/inc/gone');
    const problem: Discovered = { type: 'problem', code: 'timeout', url: rig.site.url('/sitemap-incomplete-2.xml'), message: 'no answer in time' };
    for (let i = 0; i < 3; i++) expect(await s.run(['/inc/a'], [problem])).toMatchObject({ delisted: 0 });
    expect(await listing(s.src.id, b)).toEqual({ missed_runs: 0, delisted_at: null });
    for (const delisted of [0, 1, 0]) expect(await s.run(['/inc/a'])).toMatchObject({ delisted });
    expect(await delistedAlerts(b)).toHaveLength(1);
    expect(await delistedAlerts(gone)).toEqual([]);
    expect(await listing(s.src.id, gone)).toMatchObject({ missed_runs: 3, delisted_at: null });

    const capped = await sourceOver('sitemap-capped', ['/cap/a', '/cap/b'], { maxTargets: 2 });
    await capped.run(['/cap/a', '/cap/b']);
    await capped.capture('/cap/b');
    for (let i = 0; i < 3; i++) expect(await capped.run(['/cap/a', '/cap/c', '/cap/d'])).toMatchObject({ capped: true, delisted: 0 });
    expect(await listing(capped.src.id, await capped.targetId('/cap/b'))).toEqual({ missed_runs: 0, delisted_at: null });

    const feed = await sourceOver('feed-rolls', ['/feed/a', '/feed/b'], { kind: 'feed' });
    await feed.run(['/feed/a', '/feed/b']);
    await feed.capture('/feed/b');
    for (let i = 0; i < 3; i++) expect(await feed.run(['/feed/a'])).toMatchObject({ delisted: 0 });
    expect(await delistedAlerts(await feed.targetId('/feed/b'))).toEqual([]);
  });
});
