import { describe, expect, it } from 'vitest';
import { useContextRig } from '../helpers/context-rig.ts';
import { addSource } from '../../src/sources/manage-sources.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { applyDiscovery } from '../../src/sources/apply-discovery.ts';
import { countSourcePages } from '../../src/db/source-pages.ts';
import { findTargetByUrl, type Target } from '../../src/db/targets.ts';
import { jobIds, schedulerIds } from '../../src/queue/vocabulary.ts';
import type { Discovered, DiscoveredPage } from '../../src/sources/discovered.ts';
import type { NewSourceInput } from '../../src/sources/source-model.ts';

/** A reader's stream, as the readers hand it: one item at a time, across turns of the event loop. */
async function* stream(items: Discovered[]): AsyncGenerator<Discovered> {
  for (const item of items) {
    await Promise.resolve();
    yield item;
  }
}

function page(url: string, lastmod: Date | null = null, archiveTimestamp?: string): DiscoveredPage {
  return { type: 'page', url, lastmod, ...(archiveTimestamp === undefined ? {} : { archiveTimestamp }) };
}

const HOUR = 3_600_000;

describe('applying a read of a source: new targets, filters, the cap, already watched, screening', () => {
  const rig = useContextRig();
  let n = 0;
  /** A site of its own per test, so no two tests share a URL. */
  const site = () => `http://127.0.0.1:9/site-${++n}`;
  const source = (input: Omit<NewSourceInput, 'kind'> & { kind?: NewSourceInput['kind'] }) => addSource(rig.ctx, { kind: 'sitemap', ...input });
  const target = async (url: string): Promise<Target> => {
    const t = await findTargetByUrl(rig.ctx.pool, url);
    if (!t) throw new Error(`no target for ${url}`);
    return t;
  };

  it('makes each new page a target with the source\'s tags, phrases and schedule, its first capture spread over that interval', async () => {
    const base = site();
    const src = await source({ url: `${base}/sitemap.xml`, tags: ['mali', 'africom'], phrases: ['Assimi Goita'], targetsEvery: '12h' });
    const urls = Array.from({ length: 20 }, (_, i) => `${base}/news/article-${i}`);
    const result = await applyDiscovery(rig.ctx, src, stream([
      ...urls.map((u) => page(u, new Date('2020-08-01T00:00:00Z'))),
      page(`${urls[0]}#comments`),
      page(`${urls[1]}?utm_campaign=newsletter`),
      page('javascript:alert(1)'),
    ]));
    expect(result).toMatchObject({ discovered: 21, added: 20, alreadyWatched: 0, skipped: 1, delisted: 0, screenedOut: 0, capped: false, problems: [], warnings: [] });
    expect(await countSourcePages(rig.ctx.pool, src.id)).toBe(20);
    const delays: number[] = [];
    for (const url of urls) {
      const t = await target(url);
      expect(t).toMatchObject({ tags: ['mali', 'africom'], schedule: { every: '12h' }, fetcher: 'browser', state: 'active' });
      expect(t.options.phrases).toEqual(['Assimi Goita']);
      expect(await rig.ctx.captureQueue.getJobScheduler(schedulerIds.target(t.id))).toMatchObject({ every: 12 * HOUR });
      const first = await rig.ctx.captureQueue.getJob(jobIds.firstCapture(t.id));
      expect(first?.data).toEqual({ targetId: t.id, reason: 'first' });
      delays.push(first!.opts.delay ?? 0);
    }
    expect(Math.max(...delays)).toBeLessThan(12 * HOUR);
    // Spread over the 12 h interval, not only the first five minutes.
    expect(delays.filter((d) => d > 5 * 60_000).length).toBeGreaterThan(10);
  });

  it('keeps the pages include matches and exclude does not, counting the others skipped', async () => {
    const base = site();
    const src = await source({ url: `${base}/sitemap.xml`, include: ['/news/', '/media-room/article/'], exclude: ['draft', '\\.pdf$'] });
    const result = await applyDiscovery(rig.ctx, src, stream([
      page(`${base}/news/kept-1`),
      page(`${base}/media-room/article/kept-2`),
      page(`${base}/news/draft-3`),
      page(`${base}/news/report.pdf`),
      page(`${base}/about`),
    ]));
    expect(result).toMatchObject({ discovered: 5, added: 2, skipped: 3 });
    expect(await findTargetByUrl(rig.ctx.pool, `${base}/news/kept-1`)).not.toBeNull();
    expect(await findTargetByUrl(rig.ctx.pool, `${base}/news/draft-3`)).toBeNull();
    expect(await findTargetByUrl(rig.ctx.pool, `${base}/about`)).toBeNull();
  });

  it('stops adding at maxTargets pages listed: capped, with a warning, and the pages already listed still recorded', async () => {
    const base = site();
    const src = await source({ url: `${base}/sitemap.xml`, maxTargets: 3 });
    const urls = Array.from({ length: 5 }, (_, i) => `${base}/p/${i}`);
    const first = await applyDiscovery(rig.ctx, src, stream(urls.map((u) => page(u))));
    expect(first).toMatchObject({ discovered: 5, added: 3, capped: true });
    expect(first.warnings).toEqual([expect.stringContaining('cap of 3: 2 not added')]);
    const again = await applyDiscovery(rig.ctx, src, stream([...urls, `${base}/p/new`].map((u) => page(u))));
    expect(again).toMatchObject({ discovered: 6, added: 0, alreadyWatched: 3, capped: true });
    expect(await countSourcePages(rig.ctx.pool, src.id)).toBe(3);
  });

  it('counts a page watched by hand as already watched, whatever tracking parameters the source adds, and records the listing', async () => {
    const base = site();
    const byHand = await addTarget(rig.ctx, { url: `${base}/news/flintlock-2019`, every: '6h' });
    const src = await source({ url: `${base}/feed.xml`, kind: 'feed' });
    const result = await applyDiscovery(rig.ctx, src, stream([page(`${base}/news/flintlock-2019?utm_source=rss&utm_medium=feed&fbclid=abc`)]));
    expect(result).toMatchObject({ discovered: 1, added: 0, alreadyWatched: 1 });
    const { rows } = await rig.ctx.pool.query('select target_id from source_pages where source_id = $1', [src.id]);
    expect(rows.map((r) => Number(r.target_id))).toEqual([byHand.id]);
  });

  it('keeps every page found around a problem, and returns the problem', async () => {
    const base = site();
    const src = await source({ url: `${base}/sitemap.xml` });
    const problem: Discovered = { type: 'problem', code: 'too_large', url: `${base}/sitemap-2.xml.gz`, message: 'over 50 MB uncompressed' };
    const result = await applyDiscovery(rig.ctx, src, stream([page(`${base}/a`), problem, page(`${base}/b`)]));
    expect(result).toMatchObject({ discovered: 2, added: 2, problems: [problem] });
  });

  it('with --only-matching, queues each new page\'s screening capture and schedules it until a verdict', async () => {
    const base = site();
    const src = await source({ url: `${base}/sitemap.xml`, onlyMatching: true, phrases: ['Assimi Goita'] });
    const result = await applyDiscovery(rig.ctx, src, stream([page(`${base}/news/1`)]));
    expect(result).toMatchObject({ added: 1, screenedOut: 0 });
    const t = await target(`${base}/news/1`);
    expect(t.state).toBe('screening');
    // Should the screening capture not show the page (the site down), the next scheduled one screens it.
    expect(await rig.ctx.captureQueue.getJobScheduler(schedulerIds.target(t.id))).toMatchObject({ every: 24 * 3_600_000 });
    expect((await rig.ctx.captureQueue.getJob(jobIds.firstCapture(t.id)))?.data).toEqual({ targetId: t.id, reason: 'first' });
  });

  it('screens a screened page again when the source shows it changed (a newer lastmod or archive copy), once per change', async () => {
    const base = site();
    const src = await source({ url: `${base}/sitemap.xml`, onlyMatching: true, phrases: ['Assimi Goita'] });
    const url = `${base}/news/2019-article`;
    const archived = `${base}/news/archived`;
    await applyDiscovery(rig.ctx, src, stream([page(url, new Date('2019-05-01T00:00:00Z')), page(archived, null, '20190501000000')]));
    const [t, a] = [await target(url), await target(archived)];
    await rig.ctx.pool.query(`update targets set screening = 'screened' where id = any($1::bigint[])`, [[t.id, a.id]]);

    const unchanged = await applyDiscovery(rig.ctx, src, stream([page(url, new Date('2019-05-01T00:00:00Z')), page(archived, null, '20190501000000')]));
    expect(unchanged).toMatchObject({ alreadyWatched: 2, screenedOut: 2 });
    expect((await target(url)).state).toBe('screened');

    const changed = await applyDiscovery(rig.ctx, src, stream([page(url, new Date('2020-08-20T12:00:00Z')), page(archived, null, '20200820120000')]));
    expect(changed).toMatchObject({ alreadyWatched: 2, screenedOut: 0 });
    expect((await target(url)).state).toBe('screening');
    expect((await target(archived)).state).toBe('screening');
    expect((await rig.ctx.captureQueue.getJob(jobIds.screen(t.id, '20200820120000000')))?.data).toEqual({ targetId: t.id, reason: 'screen' });
    expect((await rig.ctx.captureQueue.getJob(jobIds.screen(a.id, '20200820120000')))?.data).toEqual({ targetId: a.id, reason: 'screen' });
  });
});
