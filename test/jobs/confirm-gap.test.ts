import { describe, expect, it } from 'vitest';
import { useFixtureRig, type FixtureRig } from '../helpers/fixture-rig.ts';
import { waitUntil } from '../helpers/processes.ts';
import { unschedule } from '../helpers/unschedule.ts';
import { articleFor } from '../helpers/watch.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { checkThroughQueue, type CheckResult } from '../../src/checks/check-now.ts';
import { listAlerts, type Alert } from '../../src/db/alerts.ts';
import { listSnapshots, type Snapshot } from '../../src/db/snapshots.ts';
import type { Target } from '../../src/db/targets.ts';
import { useWorker } from '../helpers/worker-rig.ts';

// Small, yet wide enough that a check right after another still begins inside it on a busy machine.
const GAP_MS = 5_000;

/** A real worker on the rig's queues for the calling describe block, and what its tests drive captures with. */
function useGapChecks(rig: FixtureRig) {
  useWorker(rig);
  return {
    /** A page of the fixture site, watched over plain HTTP (quick captures: the gap, not the capture, sets the pace). */
    async watch(path: string, options: { paused?: boolean } = {}): Promise<Target> {
      rig.site.article(path, articleFor(path, { tweet: null }));
      const target = await addTarget(rig.ctx, { url: rig.site.url(path), every: '6h', fetcher: 'http' }, options);
      // Left to the captures the test asks for (and to the rechecks they queue).
      if (!options.paused) await unschedule(rig.ctx, target);
      return target;
    },
    check: async (target: Target): Promise<CheckResult> => (await checkThroughQueue(rig.ctx, [target], 60_000, () => undefined))[0]!,
    alerts: (target: Target): Promise<Alert[]> => listAlerts(rig.ctx.pool, { targetId: target.id }),
    snapshots: async (target: Target): Promise<Snapshot[]> => (await listSnapshots(rig.ctx.pool, target.id, 100)).sort((a, b) => a.id - b.id),
  };
}

const began = (s: Pick<Snapshot, 'startedAt'>) => Date.parse(s.startedAt);

describe(`with SCRUBWATCH_CONFIRM_MIN_GAP=${GAP_MS / 1000}s, two captures inside the gap do not confirm a removal, through a real worker`, () => {
  // Rechecks are due at once, so the only thing holding a confirmation back is the gap.
  const rig = useFixtureRig({ SCRUBWATCH_CONFIRM_MIN_GAP: `${GAP_MS / 1000}s`, SCRUBWATCH_CONFIRM_DELAY: '0s' });
  const w = useGapChecks(rig);

  it('a check right after the sighting leaves the page suspected; a check once the gap passed confirms it', async () => {
    // Paused: only the checks below capture it, no recheck goes on the queue.
    const target = await w.watch('/news/gap-checks', { paused: true });
    await w.check(target);
    rig.site.gone('/news/gap-checks', 404);
    const sighting = await w.check(target);
    expect(sighting).toMatchObject({ lifecycle: 'suspect', alerts: [] });

    const inside = await w.check(target);
    // The premise: this check began inside the gap (an HTTP capture of the local site takes milliseconds).
    expect(began(inside.snapshot) - began(sighting.snapshot)).toBeLessThan(GAP_MS);
    expect(inside).toMatchObject({ lifecycle: 'suspect', alerts: [] });
    expect(await w.alerts(target)).toEqual([]);

    await waitUntil('the gap to pass', () => Date.now() >= began(sighting.snapshot) + GAP_MS, GAP_MS + 5_000);
    const after = await w.check(target);
    expect(after.lifecycle).toBe('removed');
    expect(after.alerts.map((a) => a.kind)).toEqual(['page_removed']);
    expect(after.alerts[0]!.evidence).toMatchObject({ firstWithoutSnapshotId: sighting.snapshot.id, confirmedBySnapshotId: after.snapshot.id, sightings: 3 });
    expect(began(after.snapshot) - began(sighting.snapshot)).toBeGreaterThanOrEqual(GAP_MS);
  });

  it('the rechecks a sighting and a capture inside the gap queue are due when the gap has passed, and one confirms', async () => {
    const target = await w.watch('/news/gap-rechecks');
    await w.check(target);
    rig.site.gone('/news/gap-rechecks', 404);
    const sighting = await w.check(target);
    const gapEnds = began(sighting.snapshot) + GAP_MS;
    // Due when the gap has passed, not at once (BullMQ stamps the job a moment after the delay is worked out).
    const dueAtGapEnd = (look: CheckResult) => expect(Date.parse(look.recheckAt!) - gapEnds).toSatisfy((late: number) => late >= 0 && late < 2_000);
    dueAtGapEnd(sighting);
    const inside = await w.check(target);
    expect(began(inside.snapshot) - began(sighting.snapshot)).toBeLessThan(GAP_MS);
    expect(inside).toMatchObject({ lifecycle: 'suspect', alerts: [] });
    dueAtGapEnd(inside);

    // From here on only the worker's rechecks capture the page.
    const alert = await waitUntil('the removal to be confirmed', async () => (await w.alerts(target))[0], 30_000);
    expect(alert.kind).toBe('page_removed');
    expect(alert.evidence.firstWithoutSnapshotId).toBe(sighting.snapshot.id);
    const snapshots = await w.snapshots(target);
    const confirming = snapshots.find((s) => s.id === alert.evidence.confirmedBySnapshotId)!;
    expect(began(confirming)).toBeGreaterThanOrEqual(gapEnds);
    // One look after the gap, by the latest capture's recheck: the sighting's, overtaken, captured nothing.
    expect(confirming.jobId).toBe(`recheck-${target.id}-${inside.snapshot.id}`);
    expect(snapshots.map((s) => s.id)).toEqual([snapshots[0]!.id, sighting.snapshot.id, inside.snapshot.id, confirming.id]);
  });
});

describe('with the default SCRUBWATCH_CONFIRM_MIN_GAP (60s), through a real worker', () => {
  // Unset, as in production: the test environment sets 0 for every other test.
  const rig = useFixtureRig({ SCRUBWATCH_CONFIRM_MIN_GAP: '' });
  const w = useGapChecks(rig);

  it('two checks back to back cannot confirm a takedown; the page stays suspected, its recheck due after the gap', async () => {
    expect(rig.ctx.config.confirmMinGapMs).toBe(60_000);
    const target = await w.watch('/news/default-gap');
    await w.check(target);
    rig.site.gone('/news/default-gap', 404);
    const sighting = await w.check(target);
    const second = await w.check(target);
    const third = await w.check(target);
    for (const look of [second, third]) expect(look).toMatchObject({ lifecycle: 'suspect', alerts: [] });
    expect(await w.alerts(target)).toEqual([]);
    expect(Date.parse(third.recheckAt!)).toBeGreaterThanOrEqual(began(sighting.snapshot) + 60_000);
    // And a page back before the gap ends clears the suspicion, raising nothing then or later.
    rig.site.article('/news/default-gap', articleFor('/news/default-gap', { tweet: null }));
    expect(await w.check(target)).toMatchObject({ lifecycle: 'live', alerts: [] });
  });
});
