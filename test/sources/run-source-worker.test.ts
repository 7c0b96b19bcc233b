import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { addSource, runSourceNow, setPausedSource } from '../../src/sources/manage-sources.ts';
import { runSource } from '../../src/sources/run-source.ts';
import { getSource } from '../../src/db/sources.ts';
import { findTargetByUrl } from '../../src/db/targets.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { startSourceSite, type SourceSite } from '../helpers/source-site.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';

const WAIT_MS = 60_000;

describe('sources run through the real discover worker', () => {
  let site: SourceSite;
  let wayback: FakeWayback;
  beforeAll(async () => {
    site = await startSourceSite();
    wayback = await startFakeWayback();
  });
  const rig = useContextRig(() => ({ SCRUBWATCH_WAYBACK_CDX_URL: `${wayback.url}/cdx/search/cdx`, SCRUBWATCH_WAYBACK_REPLAY_URL: wayback.url }));
  let worker: RunningWorker;
  beforeAll(async () => {
    worker = await startWorker(rig.ctx, processors);
  });
  afterAll(async () => {
    await worker?.close();
    await site?.close();
    await wayback?.close();
  });

  it('reads a sitemap index (one child gzipped) and makes a newly published article a target within one run', async () => {
    const source = await addSource(rig.ctx, { url: site.url('/sitemap-index.xml'), kind: 'sitemap', tags: ['fixture'], phrases: ['Goita'] });
    const first = await runSourceNow(rig.ctx, source.id, WAIT_MS);
    expect(first).toMatchObject({ discovered: 6, added: 6, alreadyWatched: 0, skipped: 0, delisted: 0, capped: false, problems: [] });
    site.addArticle('news-4');
    const second = await runSourceNow(rig.ctx, source.id, WAIT_MS);
    expect(second).toMatchObject({ discovered: 7, added: 1, alreadyWatched: 6, problems: [] });
    const article = await findTargetByUrl(rig.ctx.pool, site.articleUrl('news-4'));
    expect(article).toMatchObject({ tags: ['fixture'], schedule: { every: '24h' }, state: 'active' });
    expect(article?.options.phrases).toEqual(['Goita']);
    expect((await getSource(rig.ctx.pool, source.id))?.lastRun).toMatchObject({ discovered: 7, added: 1 });
  });

  it('reads a feed and a paginated listing, counting what is watched already', async () => {
    const feed = await addSource(rig.ctx, { url: site.url('/feed.rss'), kind: 'feed' });
    expect(await runSourceNow(rig.ctx, feed.id, WAIT_MS)).toMatchObject({ discovered: 4, added: 0, alreadyWatched: 4, problems: [] });
    const listing = await addSource(rig.ctx, { url: site.url('/listing/1'), kind: 'listing', include: ['/articles/'] });
    const read = await runSourceNow(rig.ctx, listing.id, WAIT_MS);
    expect(read).toMatchObject({ added: 0, alreadyWatched: 7, problems: [] });
    expect(read.discovered - read.skipped).toBe(7);
  });

  it('reads an archive prefix through CDX, recording the newest archived copy of each URL', async () => {
    const prefix = 'https://www.africom.mil/media-room/article/';
    wayback.copies.push(
      { url: `${prefix}31546`, timestamp: '20190301120000' },
      { url: `${prefix}31546`, timestamp: '20200801120000' },
      { url: `${prefix}31547`, timestamp: '20190302120000' },
      { url: `${prefix}31548`, timestamp: '20190303120000', status: 404 },
    );
    const source = await addSource(rig.ctx, { url: prefix, kind: 'archive' });
    expect(await runSourceNow(rig.ctx, source.id, WAIT_MS)).toMatchObject({ discovered: 2, added: 2, problems: [] });
    const target = await findTargetByUrl(rig.ctx.pool, `${prefix}31546`);
    const { rows } = await rig.ctx.pool.query('select archive_timestamp from source_pages where source_id = $1 and target_id = $2', [source.id, target!.id]);
    expect(rows).toEqual([{ archive_timestamp: '20200801120000' }]);
  });

  it('reads nothing for a paused source\'s schedule, but does when someone asks', async () => {
    const source = await addSource(rig.ctx, { url: site.url('/feed.atom'), kind: 'feed' });
    await setPausedSource(rig.ctx, source.id, true);
    expect(await runSource(rig.ctx, source.id, 'test-paused-schedule', 'schedule')).toBeNull();
    expect(await runSourceNow(rig.ctx, source.id, WAIT_MS)).toMatchObject({ discovered: 4, alreadyWatched: 4 });
    expect(await runSource(rig.ctx, 999_999, 'test-gone', 'manual')).toBeNull();
  });
});
