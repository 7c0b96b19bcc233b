import { describe, expect, it } from 'vitest';
import type { Queryable } from '../../src/db/pool.ts';
import { countSearchRows } from '../../src/db/search-index.ts';
import { reindexArchive } from '../../src/search/reindex.ts';
import { searchArchive } from '../../src/search/search-archive.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';

/** Every row of the index, in a fixed order (when a text row was written aside). */
async function indexRows(db: Queryable) {
  const texts = await db.query("select encode(sha256, 'hex') as sha, title, main, captions, embeds, document::text from search_texts order by sha256");
  const sightings = await db.query(
    "select target_id, encode(text_sha256, 'hex') as sha, first_snapshot_id, first_seen_at, last_snapshot_id, last_seen_at from search_sightings order by target_id, text_sha256",
  );
  const latest = await db.query("select target_id, snapshot_id, captured_at, removed, encode(text_sha256, 'hex') as sha from search_latest order by target_id");
  return { texts: texts.rows, sightings: sightings.rows, latest: latest.rows };
}

describe('search reindex: the index rebuilt from the snapshots stored', () => {
  const rig = useFixtureRig();

  it('rebuilds exactly the rows saving wrote, across batches, and a second run adds nothing', { timeout: 180_000 }, async () => {
    let job = 0;
    const targets: number[] = [];
    for (const name of ['edited', 'removed', 'unchanged']) {
      const path = `/news/reindex-${name}`;
      rig.site.article(path, articleFor(path));
      const target = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h', fetcher: 'http' });
      targets.push(target.id);
      await runCapture(rig.ctx, target.id, `reindex-${++job}`);
      await runCapture(rig.ctx, target.id, `reindex-${++job}`);
    }
    rig.site.article('/news/reindex-edited', withoutPhrase(articleFor('/news/reindex-edited'), 'Goita'));
    await runCapture(rig.ctx, targets[0]!, 'reindex-edited-cut');
    rig.site.gone('/news/reindex-removed', 404);
    await runCapture(rig.ctx, targets[1]!, 'reindex-removed-gone');

    const saved = await indexRows(rig.db.pool);
    expect(saved.latest).toHaveLength(3);
    const gone = await searchArchive(rig.db.pool, { query: '"Assimi Goita"', scope: 'gone', limit: 10 });
    expect(gone.items.map((i) => [i.targetId, i.removed])).toEqual([[targets[0], false], [targets[1], true]]);

    await rig.db.pool.query('delete from search_latest; delete from search_sightings; delete from search_texts');
    expect(await countSearchRows(rig.db.pool)).toEqual({ texts: 0, sightings: 0, pages: 0 });

    const stages: Array<[string, number]> = [];
    let advanced = 0;
    const progress = { stage: (label: string, total: number) => stages.push([label, total]), advance: (n: number) => (advanced += n) };
    // Three snapshots a batch: the eight stored take three transactions, the keyset carried from one to the next.
    const report = await reindexArchive(rig.db.pool, progress, 3);
    expect(report).toEqual({ snapshots: 8, texts: saved.texts.length, pages: 3, durationMs: expect.any(Number) });
    expect(stages).toEqual([['indexing snapshots', 8]]);
    expect(advanced).toBe(8);
    expect(await indexRows(rig.db.pool)).toEqual(saved);
    expect(await searchArchive(rig.db.pool, { query: '"Assimi Goita"', scope: 'gone', limit: 10 })).toEqual(gone);

    const again = await reindexArchive(rig.db.pool);
    expect(again).toMatchObject({ snapshots: 8, texts: report.texts, pages: 3 });
    expect(await indexRows(rig.db.pool)).toEqual(saved);
  });
});
