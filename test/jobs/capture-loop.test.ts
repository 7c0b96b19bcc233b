import { describe, expect, it } from 'vitest';
import { addTarget } from '../../src/targets/manage-targets.ts';
import type { NewTargetInput } from '../../src/targets/target-input.ts';
import { checkInline, checkThroughQueue } from '../../src/checks/check-now.ts';
import { countBlobs, getBlob } from '../../src/db/blobs.ts';
import { listAlerts } from '../../src/db/alerts.ts';
import { updateTargetSettings } from '../../src/db/targets.ts';
import type { PageFacts } from '../../src/page-data/page-facts.ts';
import { unchangedRecord } from '../../src/detect/diff-snapshots.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { flintlockArticle } from '../../src/demo/fixture-site.ts';
import { closedLoopbackPort as closedPort } from '../../src/net/listen-loopback.ts';
import { useWorker } from '../helpers/worker-rig.ts';

const noop = () => undefined;

/** A port nothing listens on: bound once by the OS, then released. */


describe('the watch loop: target → queue → worker → capture → snapshot → change → alert', () => {
  const rig = useFixtureRig();

  useWorker(rig);

  /** A target captured only when a test asks: its own first capture or schedule firing mid-test would add a snapshot. */
  async function watch(input: NewTargetInput) {
    const target = await addTarget(rig.ctx, input);
    await unschedule(rig.ctx, target);
    return target;
  }

  async function check(targetId: number) {
    const [result] = await checkThroughQueue(rig.ctx, [{ id: targetId, kind: 'page' }], 60_000, noop);
    return result!;
  }

  it('captures an article through the queue and stores its parts as blobs', async () => {
    rig.site.article('/news/flintlock-2019', flintlockArticle);
    const target = await watch({ url: rig.site.url('/news/flintlock-2019'), every: '6h' });
    const { snapshot, change, alerts } = await check(target.id);

    expect(snapshot).toMatchObject({ targetId: target.id, status: 200, error: null, finalUrl: rig.site.url('/news/flintlock-2019'), fetcher: 'browser' });
    expect(snapshot.title).toContain(flintlockArticle.title);
    expect(snapshot.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(snapshot.counts.media).toBe(2);
    expect(snapshot.counts.embeds).toBe(1);
    expect(snapshot.counts.blocks).toBeGreaterThanOrEqual(flintlockArticle.paragraphs.length + 1);
    expect(change).toBeNull();
    expect(alerts).toEqual([]);

    const text = await getBlob(rig.ctx.pool, snapshot.parts.text!);
    expect(text?.data.toString('utf8')).toContain('Col. Assimi Goita, commander of Mali’s special forces');
    const screenshot = await getBlob(rig.ctx.pool, snapshot.parts.screenshot!);
    expect(screenshot?.mediaType).toBe('image/png');
    expect(screenshot?.data.subarray(1, 4).toString('latin1')).toBe('PNG');
    const html = await getBlob(rig.ctx.pool, snapshot.parts.html!);
    expect(html?.data.toString('utf8')).toContain('twitter-tweet');

    const facts = JSON.parse((await getBlob(rig.ctx.pool, snapshot.parts.facts!))!.data.toString('utf8')) as PageFacts;
    for (const photo of facts.media) {
      expect(photo.sha256).toMatch(/^[0-9a-f]{64}$/);
      const file = await getBlob(rig.ctx.pool, photo.sha256!);
      expect(file?.mediaType).toBe('image/png');
      const served = await fetch(photo.url).then(async (r) => Buffer.from(await r.arrayBuffer()));
      expect(file?.data.equals(served)).toBe(true);
    }
  });

  it('re-captures an unchanged page without adding blob rows, and records it as unchanged', async () => {
    const target = await watch({ url: rig.site.url('/news/unchanged'), every: '6h' });
    rig.site.article('/news/unchanged', flintlockArticle);
    const first = await check(target.id);
    const blobsBefore = await countBlobs(rig.ctx.pool);
    const second = await check(target.id);
    expect(await countBlobs(rig.ctx.pool)).toBe(blobsBefore);
    expect(second.snapshot.id).not.toBe(first.snapshot.id);
    expect(second.snapshot.fingerprint).toBe(first.snapshot.fingerprint);
    expect(second.change).toMatchObject({ unchanged: true, previousSnapshotId: first.snapshot.id });
    // The unchanged check keeps pointing at the first capture's evidence rather than taking it again.
    expect(second.snapshot.parts).toEqual(first.snapshot.parts);
    // Its change row stores an empty record, read back whole.
    expect(second.change?.record).toEqual(unchangedRecord());
    const stored = await rig.ctx.pool.query<{ record: object }>('select record from changes where id = $1', [second.change!.id]);
    expect(stored.rows[0]!.record).toEqual({});
    expect(first.snapshot.parts.screenshot).not.toBeNull();
  });

  it('takes the screenshot and photos again as soon as the page reads differently', async () => {
    const target = await watch({ url: rig.site.url('/news/retitled'), every: '6h' });
    rig.site.article('/news/retitled', flintlockArticle);
    const first = await check(target.id);
    rig.site.article('/news/retitled', { ...flintlockArticle, title: `${flintlockArticle.title} (updated)` });
    const second = await check(target.id);
    expect(second.change?.unchanged).toBe(false);
    expect(second.snapshot.parts.screenshot).not.toBeNull();
    expect(second.snapshot.parts.screenshot).not.toBe(first.snapshot.parts.screenshot);
    expect(second.snapshot.parts.html).not.toBe(first.snapshot.parts.html);
    const facts = JSON.parse((await getBlob(rig.ctx.pool, second.snapshot.parts.facts!))!.data.toString('utf8')) as PageFacts;
    expect(facts.media.filter((m) => m.kind === 'image').every((m) => m.sha256 !== null)).toBe(true);
  });

  it('records what was cut when a paragraph, a photo and the embedded tweet are removed', async () => {
    const target = await watch({ url: rig.site.url('/news/edited'), every: '6h' });
    rig.site.article('/news/edited', flintlockArticle);
    await check(target.id);
    const goita = flintlockArticle.paragraphs[2]!;
    rig.site.article('/news/edited', {
      ...flintlockArticle,
      paragraphs: flintlockArticle.paragraphs.filter((p) => p !== goita),
      photos: flintlockArticle.photos.slice(1),
      tweet: null,
    });
    const { change, alerts } = await check(target.id);
    expect(change?.unchanged).toBe(false);
    expect(change?.record.blocks.removed).toContainEqual(expect.objectContaining({ kind: 'paragraph', text: goita }));
    expect(change?.record.blocks.added).toEqual([]);
    expect(change?.record.media.removed.map((m) => m.url)).toEqual([rig.site.url('/images/goita-flintlock.png')]);
    expect(change?.record.embeds.removed.map((e) => e.statusId)).toEqual([flintlockArticle.tweet!.statusId]);
    expect(change?.record.status).toBeNull();
    expect(alerts).toEqual([]);
  });

  it.each([404, 410] as const)('raises page_removed once the article answers %i at two captures in a row', async (status) => {
    const path = `/news/deleted-${status}`;
    rig.site.article(path, flintlockArticle);
    const target = await watch({ url: rig.site.url(path), every: '6h' });
    const before = await check(target.id);
    rig.site.gone(path, status);
    const first = await check(target.id);
    expect(first.snapshot.status).toBe(status);
    expect(first.snapshot.outcome).toEqual({ kind: 'gone', signal: `status_${status}` });
    expect(first.change?.record.status).toEqual({ from: 200, to: status });
    expect(first.alerts).toEqual([]);
    // The first sighting queued its confirming capture, sooner than the schedule.
    const recheck = await rig.ctx.captureQueue.getJob(`recheck-${target.id}-${first.snapshot.id}`);
    expect(recheck?.data).toEqual({ targetId: target.id, reason: 'recheck', suspectSnapshotId: first.snapshot.id });
    expect(recheck?.opts.delay).toBe(rig.ctx.config.confirmDelayMs);
    await recheck?.remove();

    const { snapshot, alerts } = await check(target.id);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'page_removed', severity: 'high', state: 'open', targetId: target.id, snapshotId: snapshot.id });
    expect(alerts[0]!.evidence).toMatchObject({
      lastWithSnapshotId: before.snapshot.id,
      firstWithoutSnapshotId: first.snapshot.id,
      confirmedBySnapshotId: snapshot.id,
      items: [expect.objectContaining({ signal: `status_${status}`, status, previousStatus: 200 })],
    });
    expect(await listAlerts(rig.ctx.pool, { targetId: target.id })).toEqual(alerts);
    // Still gone: the removal is not raised again.
    const again = await check(target.id);
    expect(again.alerts).toEqual([]);
    expect(again.change?.previousSnapshotId).toBe(snapshot.id);
  });

  it('compares across a timeout: 200, then a hang, then 404 still raises the removal', async () => {
    const path = '/news/flaky-then-gone';
    rig.site.article(path, flintlockArticle);
    // The first capture gets a timeout a loaded machine cannot miss: had it timed out too, the 404 would be compared
    // with the hang, not the page. Only the hang runs on the short cap.
    const target = await watch({ url: rig.site.url(path), every: '6h', options: { timeoutMs: 30_000, confirm: 1 } });
    const ok = await check(target.id);
    expect(ok.snapshot).toMatchObject({ status: 200, error: null });
    await updateTargetSettings(rig.ctx.pool, target.id, { ...target, options: { ...target.options, timeoutMs: 3_000 } });
    rig.site.hang(path);
    const hung = await check(target.id);
    expect(hung.snapshot.error?.code).toBe('timeout');
    expect(hung.snapshot.status).toBeNull();
    expect(hung.change?.record.blocks.removed).toEqual([]);
    expect(hung.alerts).toEqual([]);
    rig.site.gone(path, 404);
    const gone = await check(target.id);
    expect(gone.change?.previousSnapshotId).toBe(ok.snapshot.id);
    expect(gone.alerts.map((a) => a.kind)).toEqual(['page_removed']);
  });

  it('ends a hanging page as a timeout error within the cap, not a stuck job', async () => {
    rig.site.hang('/news/hangs');
    const target = await watch({ url: rig.site.url('/news/hangs'), every: '6h', options: { timeoutMs: 2_000 } });
    const started = Date.now();
    const { snapshot, alerts } = await check(target.id);
    const elapsed = Date.now() - started;
    expect(snapshot.error?.code).toBe('timeout');
    // The cap itself: the capture's duration is taken at its deadline.
    expect(snapshot.durationMs).toBeLessThan(2_000 + 1_500);
    // Not a stuck job: the page never answers, so without the cap the check would wait its whole 60 s. The job
    // also closes the context (up to 2 s), saves and goes through the queue twice, which a loaded machine slows.
    expect(elapsed).toBeLessThan(20_000);
    expect(alerts).toEqual([]);
  });

  it('records a refused connection as a network error, never as a removal', async () => {
    const target = await watch({ url: `http://127.0.0.1:${await closedPort()}/closed-port`, every: '6h' });
    const { snapshot, alerts } = await check(target.id);
    expect(snapshot.error?.code).toBe('refused');
    expect(snapshot.status).toBeNull();
    expect(alerts).toEqual([]);
  });

  it('is idempotent per job: running the same job twice keeps one snapshot', async () => {
    rig.site.article('/news/idempotent', flintlockArticle);
    const target = await watch({ url: rig.site.url('/news/idempotent'), every: '6h' });
    const first = await runCapture(rig.ctx, target.id, 'job-replayed');
    const hitsAfterFirst = rig.site.hits('/news/idempotent');
    const second = await runCapture(rig.ctx, target.id, 'job-replayed');
    expect(second.snapshot.id).toBe(first.snapshot.id);
    expect(second.replayed).toBe(true);
    expect(rig.site.hits('/news/idempotent')).toBe(hitsAfterFirst);
  });

  it('captures with the plain-HTTP fetcher too, inline', async () => {
    rig.site.article('/news/plain', flintlockArticle);
    const target = await watch({ url: rig.site.url('/news/plain'), every: '6h', fetcher: 'http' });
    const [result] = await checkInline(rig.ctx, [target], noop);
    expect(result!.snapshot).toMatchObject({ fetcher: 'http', status: 200, error: null });
    expect(result!.snapshot.parts.screenshot).toBeNull();
    expect(result!.snapshot.counts.embeds).toBe(1);
  });

  it('skips a stored --not-found pattern it cannot run, rather than failing every capture, and applies the others', async () => {
    rig.site.article('/news/wandered', { ...flintlockArticle, title: 'This story has wandered off', paragraphs: ['Try the search.'], photos: [], tweet: null, related: [] });
    const target = await watch({ url: rig.site.url('/news/wandered'), every: '6h', fetcher: 'http' });
    // As a database from before patterns were checked, or an imported export, can hold them: past today's check.
    await updateTargetSettings(rig.ctx.pool, target.id, { ...target, options: { ...target.options, notFound: ['(', '(?=x)gone', 'wandered off'] } });
    const [result] = await checkInline(rig.ctx, [target], noop);
    expect(result!.snapshot).toMatchObject({ status: 200, error: null, outcome: { kind: 'gone', signal: 'soft_404_wording' } });
  });
});
