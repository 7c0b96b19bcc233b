import { describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { searchArchive } from '../../src/search/search-archive.ts';
import { countSearchRows } from '../../src/db/search-index.ts';

describe('search over captured pages (plain HTTP captures of the fixture site)', () => {
  const rig = useFixtureRig();
  let job = 0;

  async function watched(path: string) {
    const spec = articleFor(path);
    rig.site.article(path, spec);
    const target = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h', fetcher: 'http' });
    return { spec, target, capture: () => runCapture(rig.ctx, target.id, `search-${++job}`) };
  }

  it('finds a mention now, ever, and gone once the paragraph naming him is cut', async () => {
    const page = await watched('/news/search-goita');
    await page.capture();
    const now = await searchArchive(rig.db.pool, { query: '"Assimi Goïta"', scope: 'now', limit: 10 });
    expect(now.items.map((i) => i.targetId)).toEqual([page.target.id]);
    expect(now.items[0]!.snippet).toMatch(/Goita/);
    expect(now.items[0]!.highlights.length).toBeGreaterThan(0);
    const rowsBefore = await countSearchRows(rig.db.pool);
    await page.capture();
    expect(await countSearchRows(rig.db.pool)).toEqual(rowsBefore);

    rig.site.article('/news/search-goita', withoutPhrase(page.spec, 'Goita'));
    await page.capture();
    expect((await searchArchive(rig.db.pool, { query: '"Assimi Goita"', scope: 'now', limit: 10 })).items).toEqual([]);
    const gone = await searchArchive(rig.db.pool, { query: 'assimi goita', scope: 'gone', limit: 10 });
    expect(gone.items).toHaveLength(1);
    expect(gone.items[0]).toMatchObject({ targetId: page.target.id, stillThere: false, removed: false });
    expect(gone.items[0]!.firstWithoutSnapshotId).toBe(gone.items[0]!.snapshotId);
    const ever = await searchArchive(rig.db.pool, { query: 'goi*', scope: 'ever', limit: 10 });
    expect(ever.items.map((i) => i.targetId)).toEqual([page.target.id]);
  });
});
