import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { requireTarget } from '../../src/db/targets.ts';
import { listSnapshots } from '../../src/db/snapshots.ts';
import { insertSource } from '../../src/db/sources.ts';
import { putSourcePage, setScreening } from '../../src/db/source-screening.ts';
import { parseNewSource } from '../../src/sources/source-model.ts';
import { articleHtml, type ArticleSpec } from '../../src/demo/fixture-site.ts';
import type { WatchJobData, WatchJobResult } from '../../src/queue/queues.ts';
import { schedulerId, syncTargetSchedule } from '../../src/queue/schedules.ts';
import { JOB, jobIds } from '../../src/queue/vocabulary.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { useWorker } from '../helpers/worker-rig.ts';

const GOITA = 'Assimi Goita';
const ARCHIVED = '20200101000000';

describe('screening: an only-matching source keeps watching the pages that name its phrases', () => {
  let wayback: FakeWayback;
  beforeAll(async () => {
    wayback = await startFakeWayback();
  });
  afterAll(async () => {
    await wayback?.close();
  });
  const rig = useFixtureRig(() => ({ SCRUBWATCH_WAYBACK_REPLAY_URL: wayback.url }));
  useWorker(rig);

  const spec = (path: string, naming: boolean) => {
    const article = { ...articleFor(path), tweet: null };
    return naming ? article : withoutPhrase(article, GOITA);
  };

  /** A page an only-matching source found: a target waiting for its screening, as discovery leaves it. */
  async function foundPage(sourceId: number, path: string, served: ArticleSpec, archiveTimestamp: string | null = null) {
    rig.site.article(path, served);
    const target = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h', options: { phrases: [GOITA] } });
    await unschedule(rig.ctx, target);
    await setScreening(rig.ctx.pool, target.id, 'pending');
    await putSourcePage(rig.ctx.pool, { sourceId, targetId: target.id, archiveTimestamp });
    return target;
  }

  /** Runs one capture job through the worker and returns its result. */
  async function runJob(data: WatchJobData, jobId: string): Promise<WatchJobResult> {
    await rig.ctx.captureQueue.add(JOB.capture, data, { jobId });
    const until = Date.now() + 60_000;
    for (;;) {
      const job = await rig.ctx.captureQueue.getJob(jobId);
      const state = await job?.getState();
      if (state === 'completed') return job!.returnvalue;
      if (state === 'failed') throw new Error(`job ${jobId} failed: ${job!.failedReason}`);
      if (Date.now() > until) throw new Error(`job ${jobId} still ${state}`);
      await sleep(100);
    }
  }

  const scheduler = (id: number) => rig.ctx.captureQueue.getJobScheduler(schedulerId(id));

  it('keeps scheduled only the pages naming the phrase; the others are screened, unscheduled and skipped', async () => {
    const source = (await insertSource(rig.ctx.pool, parseNewSource({ url: rig.site.url('/sitemap.xml'), kind: 'sitemap', phrases: [GOITA], onlyMatching: true })))!;
    const naming = await foundPage(source.id, '/news/names-goita', spec('/news/names-goita', true));
    const silent = await foundPage(source.id, '/news/silent', spec('/news/silent', false));
    expect((await requireTarget(rig.ctx.pool, naming.id)).state).toBe('screening');

    for (const t of [naming, silent]) expect((await runJob({ targetId: t.id, reason: 'first' }, jobIds.firstCapture(t.id))).skipped).toBeUndefined();

    expect((await requireTarget(rig.ctx.pool, naming.id)).state).toBe('active');
    expect(await scheduler(naming.id)).toBeTruthy();
    expect((await requireTarget(rig.ctx.pool, silent.id)).state).toBe('screened');
    expect(await scheduler(silent.id)).toBeFalsy();

    const hits = rig.site.hits('/news/silent');
    const skipped = await runJob({ targetId: silent.id, reason: 'schedule' }, `test-schedule-${silent.id}`);
    expect(skipped).toMatchObject({ skipped: 'screened', snapshotId: 0 });
    expect(rig.site.hits('/news/silent')).toBe(hits);
    expect(await listSnapshots(rig.ctx.pool, silent.id)).toHaveLength(1);

    // The source shows the page changed, and now it names him: the screening capture keeps it.
    rig.site.article('/news/silent', spec('/news/silent', true));
    const screened = await runJob({ targetId: silent.id, reason: 'screen' }, jobIds.screen(silent.id, '20260101000000'));
    expect(screened.skipped).toBeUndefined();
    expect(screened.snapshotId).toBeGreaterThan(0);
    expect((await requireTarget(rig.ctx.pool, silent.id)).state).toBe('active');
    expect(await scheduler(silent.id)).toBeTruthy();
  });

  it('keeps a page whose screening capture failed scheduled, and screens it on the next capture that shows it', async () => {
    const source = (await insertSource(rig.ctx.pool, parseNewSource({ url: rig.site.url('/down/sitemap.xml'), kind: 'sitemap', phrases: [GOITA], onlyMatching: true })))!;
    const page = await foundPage(source.id, '/down/names-goita', spec('/down/names-goita', true));
    await syncTargetSchedule(rig.ctx.captureQueue, await requireTarget(rig.ctx.pool, page.id));
    rig.site.fail('/down/names-goita', 503);
    await runJob({ targetId: page.id, reason: 'first' }, jobIds.firstCapture(page.id));
    expect((await requireTarget(rig.ctx.pool, page.id)).state).toBe('screening');
    expect(await scheduler(page.id)).toBeTruthy();

    rig.site.article('/down/names-goita', spec('/down/names-goita', true));
    expect((await runJob({ targetId: page.id, reason: 'schedule' }, `test-schedule-${page.id}`)).skipped).toBeUndefined();
    expect((await requireTarget(rig.ctx.pool, page.id)).state).toBe('active');
    expect(await scheduler(page.id)).toBeTruthy();
  });

  it('screens an archive source page on its archived copy, with no live capture when it does not match', async () => {
    const source = (await insertSource(rig.ctx.pool, parseNewSource({ url: rig.site.url('/archive/'), kind: 'archive', phrases: [GOITA], onlyMatching: true })))!;
    const paths = { naming: '/archive/names-goita', silent: '/archive/silent' };
    wayback.copies.push({ url: rig.site.url(paths.naming), timestamp: ARCHIVED, html: articleHtml(spec(paths.naming, true)) });
    wayback.copies.push({ url: rig.site.url(paths.silent), timestamp: ARCHIVED, html: articleHtml(spec(paths.silent, false)) });
    const naming = await foundPage(source.id, paths.naming, spec(paths.naming, true), ARCHIVED);
    const silent = await foundPage(source.id, paths.silent, spec(paths.silent, true), ARCHIVED);

    for (const t of [naming, silent]) await runJob({ targetId: t.id, reason: 'first' }, jobIds.firstCapture(t.id));

    expect((await listSnapshots(rig.ctx.pool, silent.id)).map((s) => s.origin)).toEqual(['archive']);
    expect(rig.site.hits(paths.silent)).toBe(0);
    expect((await requireTarget(rig.ctx.pool, silent.id)).state).toBe('screened');
    expect(await scheduler(silent.id)).toBeFalsy();

    expect((await listSnapshots(rig.ctx.pool, naming.id)).map((s) => s.origin)).toEqual(['capture', 'archive']);
    expect((await requireTarget(rig.ctx.pool, naming.id)).state).toBe('active');
    expect(await scheduler(naming.id)).toBeTruthy();

    // A newer archived copy names him: the screen capture reads it first, then captures the page live.
    const newer = '20240101000000';
    wayback.copies.push({ url: rig.site.url(paths.silent), timestamp: newer, html: articleHtml(spec(paths.silent, true)) });
    await putSourcePage(rig.ctx.pool, { sourceId: source.id, targetId: silent.id, archiveTimestamp: newer });
    await runJob({ targetId: silent.id, reason: 'screen' }, jobIds.screen(silent.id, newer));
    const snapshots = await listSnapshots(rig.ctx.pool, silent.id);
    expect(snapshots.map((s) => [s.origin, s.archivedAt])).toEqual([['capture', null], ['archive', '2024-01-01T00:00:00.000Z'], ['archive', '2020-01-01T00:00:00.000Z']]);
    expect((await requireTarget(rig.ctx.pool, silent.id)).state).toBe('active');
  });
});
