import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkThroughQueue } from '../../src/checks/check-now.ts';
import { listAlerts, type Alert } from '../../src/db/alerts.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { getBlob } from '../../src/db/blobs.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { insertSource } from '../../src/db/sources.ts';
import { putSourcePage } from '../../src/db/source-screening.ts';
import { getWatchState } from '../../src/db/target-states.ts';
import { parseNewSource } from '../../src/sources/source-model.ts';
import { articleHtml, type ArticleSpec } from '../../src/demo/fixture-site.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { useWorker } from '../helpers/worker-rig.ts';

const noop = () => undefined;
const ARCHIVED = '20190218120000';
const GOITA = 'Assimi Goita';


describe('an archive source: archived copies as baselines, judged by the live capture', () => {
  let wayback: FakeWayback;
  beforeAll(async () => {
    wayback = await startFakeWayback();
  });
  afterAll(async () => {
    await wayback?.close();
  });
  const rig = useFixtureRig(() => ({ SCRUBWATCH_WAYBACK_URL: wayback.url, SCRUBWATCH_WAYBACK_REPLAY_URL: wayback.url, SCRUBWATCH_CONFIRM_DELAY: '1s' }));
  useWorker(rig);

  /** A page the archive source listed, archived (or not) at ARCHIVED as `archived`, now served as `now` (or gone). */
  async function archivedPage(sourceId: number, path: string, archived: ArticleSpec | null, now: ArticleSpec | 'gone') {
    const url = rig.site.url(path);
    if (archived) wayback.copies.push({ url, timestamp: ARCHIVED, html: articleHtml(archived) });
    if (now === 'gone') rig.site.gone(path);
    else rig.site.article(path, now);
    const target = await addTarget(rig.ctx, { url, every: '6h', options: { phrases: [GOITA] } });
    await unschedule(rig.ctx, target);
    await putSourcePage(rig.ctx.pool, { sourceId, targetId: target.id, archiveTimestamp: ARCHIVED });
    return target;
  }

  async function settled(targetIds: number[]): Promise<void> {
    const until = Date.now() + 60_000;
    for (;;) {
      const states = await Promise.all(targetIds.map((id) => getWatchState(rig.ctx.pool, id)));
      if (states.every((s) => s !== null && s.lifecycle !== 'suspect')) return;
      if (Date.now() > until) throw new Error(`targets still suspect: ${JSON.stringify(states.map((s) => s?.lifecycle))}`);
      await sleep(250);
    }
  }

  it('raises page_removed for the two gone and phrase_removed for the one that lost its phrase, naming the archived copy', async () => {
    const source = (await insertSource(rig.ctx.pool, parseNewSource({ url: rig.site.url('/news/'), kind: 'archive' })))!;
    const spec = (path: string) => ({ ...articleFor(path), tweet: null });
    const pages = [
      await archivedPage(source.id, '/news/kept-1', spec('/news/kept-1'), spec('/news/kept-1')),
      await archivedPage(source.id, '/news/kept-2', spec('/news/kept-2'), spec('/news/kept-2')),
      await archivedPage(source.id, '/news/gone-1', spec('/news/gone-1'), 'gone'),
      await archivedPage(source.id, '/news/gone-2', spec('/news/gone-2'), 'gone'),
      await archivedPage(source.id, '/news/no-goita', spec('/news/no-goita'), withoutPhrase(spec('/news/no-goita'), GOITA)),
    ];
    const ids = pages.map((p) => p.id);
    // The site took one of the gone pages out of its index first: its removal says when.
    const delistedAt = new Date('2026-11-30T08:00:00Z');
    await putSourcePage(rig.ctx.pool, { sourceId: source.id, targetId: pages[2]!.id, archiveTimestamp: ARCHIVED, delistedAt });

    await checkThroughQueue(rig.ctx, pages.map((p) => ({ id: p.id, kind: 'page' as const })), 60_000, noop);
    await settled(ids);

    const alerts = (await listAlerts(rig.ctx.pool, {})).filter((a) => ids.includes(a.targetId));
    const of = (kind: Alert['kind']) => alerts.filter((a) => a.kind === kind);
    expect(of('page_removed').map((a) => a.targetId).sort()).toEqual([pages[2]!.id, pages[3]!.id].sort());
    expect(of('phrase_removed').map((a) => a.targetId)).toEqual([pages[4]!.id]);
    const delisted = of('page_removed').find((a) => a.targetId === pages[2]!.id)!;
    expect(delisted.evidence).toMatchObject({ delistedAt: delistedAt.toISOString(), delistedBySourceId: source.id });
    expect(of('page_removed').find((a) => a.targetId === pages[3]!.id)!.evidence).not.toHaveProperty('delistedAt');
    expect(alerts.filter((a) => a.targetId === pages[0]!.id || a.targetId === pages[1]!.id)).toEqual([]);
    for (const alert of [...of('page_removed'), ...of('phrase_removed')]) {
      expect(alert.evidence).toMatchObject({ archivedAt: '2019-02-18T12:00:00.000Z', archiveUrl: expect.stringMatching(new RegExp(`^${wayback.url}/web/${ARCHIVED}/http://127\\.0\\.0\\.1:\\d+/news/`)) });
    }

    // The baseline is the Internet Archive's copy, kept as such, with the page's URL and none of the Wayback's.
    const [live, archived] = await listSnapshots(rig.ctx.pool, pages[0]!.id, 2);
    expect(archived).toMatchObject({ origin: 'archive', archivedAt: '2019-02-18T12:00:00.000Z', requestedUrl: pages[0]!.url, finalUrl: pages[0]!.url, redirects: [], status: 200, fetcher: 'http' });
    expect(archived!.archiveUrl).toBe(`${wayback.url}/web/${ARCHIVED}/${pages[0]!.url}`);
    expect(archived!.title).toContain('Flintlock 2019');
    // Links and photos resolve against the page's own URL, as on the site.
    const facts = JSON.parse((await getBlob(rig.ctx.pool, archived!.parts.facts!))!.data.toString('utf8')) as PageFacts;
    expect(facts.media.length).toBe(2);
    for (const m of facts.media) expect(m.url.startsWith(`${rig.site.origin}/images/`)).toBe(true);
    expect(facts.links.every((l) => !l.url.includes(wayback.url))).toBe(true);
    expect(live).toMatchObject({ origin: 'capture', archivedAt: null, archiveUrl: null });
    expect(wayback.replays).toContain(`${ARCHIVED}id_/${pages[0]!.url}`);
  });

  it('captures on without a baseline when the replay answers 404', async () => {
    const source = (await insertSource(rig.ctx.pool, parseNewSource({ url: rig.site.url('/missing/'), kind: 'archive' })))!;
    const path = '/missing/never-archived';
    const target = await archivedPage(source.id, path, null, { ...articleFor(path), tweet: null });
    const [result] = await checkThroughQueue(rig.ctx, [{ id: target.id, kind: 'page' }], 60_000, noop);

    expect(wayback.replays).toContain(`${ARCHIVED}id_/${target.url}`);
    const snapshots = await listSnapshots(rig.ctx.pool, target.id);
    expect(snapshots.map((s) => s.origin)).toEqual(['capture']);
    expect(result!.alerts).toEqual([]);
    expect((await getWatchState(rig.ctx.pool, target.id))?.baselineSnapshotId).toBe(snapshots[0]!.id);
  });
});
