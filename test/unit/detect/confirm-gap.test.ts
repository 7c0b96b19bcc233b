import { describe, expect, it } from 'vitest';
import { advance, INITIAL_STATE, type StepInput, type StepResult, type WatchState } from '../../../src/detect/lifecycle.ts';
import type { Finding } from '../../../src/detect/findings.ts';
import type { Outcome } from '../../../src/detect/outcome.ts';
import { recheckDelayMs } from '../../../src/queue/schedules.ts';

const SECOND = 1_000;
const GAP = 60 * SECOND;
const T0 = new Date('2020-08-18T06:00:00Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * SECOND);
const para: Finding = { kind: 'content_removed', key: 'content_removed:goita', item: { kind: 'paragraph', text: 'Col. Assimi Goita…' } };
const gone: Finding = { kind: 'page_removed', key: 'page_removed', item: { signal: 'status_404', status: 404 } };
const moved: Finding = { kind: 'page_moved', key: 'page_moved:https://x.mil/new', item: { to: 'https://x.mil/new' } };

/** Captures through the state machine, each [outcome, findings, seconds after T0], with the 60 s default gap. */
function replay(steps: Array<[Outcome, Finding[], number]>, options: Partial<StepInput> = {}, start: WatchState = { ...INITIAL_STATE, baselineSnapshotId: 1 }) {
  let state = start;
  const results: StepResult[] = [];
  steps.forEach(([outcome, findings, seconds], i) => {
    const snapshotId = i + 2;
    const r = advance(state, { snapshotId, capturedAt: at(seconds), outcome, findings, confirm: 2, confirmMinGapMs: GAP, unreachableAfterMs: 24 * 3_600 * SECOND, maxRechecks: 6, ...options });
    state = r.acceptBaseline ? { ...r.state, baselineSnapshotId: snapshotId } : r.state;
    results.push(r);
  });
  return { results, state, kinds: results.map((r) => r.alerts.map((a) => a.kind)), lifecycles: results.map((r) => r.state.lifecycle) };
}

describe('advance: a removal is confirmed only a minimum gap after its first sighting', () => {
  it('a second sighting 3 s after the first neither confirms nor clears: still suspected, confirmable a gap after the first', () => {
    const { results, kinds, lifecycles, state } = replay([['ok', [para], 0], ['ok', [para], 3]]);
    expect(kinds).toEqual([[], []]);
    expect(lifecycles).toEqual(['suspect', 'suspect']);
    expect(results[1]).toMatchObject({ recheck: true, confirmableAt: at(60), acceptBaseline: false });
    expect(state.pending[para.key]).toMatchObject({ firstSnapshotId: 2, firstSeenAt: T0.toISOString(), sightings: 2 });
  });

  it('the capture that began once the gap passed confirms, naming the first sighting', () => {
    const { results, kinds } = replay([['ok', [para], 0], ['ok', [para], 3], ['ok', [para], 60]]);
    expect(kinds).toEqual([[], [], ['content_removed']]);
    expect(results[2]!.alerts[0]!.evidence).toMatchObject({ firstWithoutSnapshotId: 2, confirmedBySnapshotId: 4, sightings: 3 });
    expect(results[2]).toMatchObject({ recheck: false, confirmableAt: null });
  });

  it('one second short of the gap does not confirm', () => {
    expect(replay([['ok', [para], 0], ['ok', [para], 59]]).kinds).toEqual([[], []]);
  });

  it('a takedown undone inside the gap clears, and a later removal starts a gap of its own', () => {
    const { kinds, lifecycles, results } = replay([['ok', [para], 0], ['ok', [], 3], ['ok', [para], 30], ['ok', [para], 70], ['ok', [para], 90]]);
    expect(kinds).toEqual([[], [], [], [], ['content_removed']]);
    expect(lifecycles.slice(0, 4)).toEqual(['suspect', 'live', 'suspect', 'suspect']);
    expect(results[3]!.confirmableAt).toEqual(at(90));
  });

  it('a whole page gone waits for the gap too; a move is not a removal and is raised at once', () => {
    expect(replay([['gone', [gone], 0], ['gone', [gone], 3], ['gone', [gone], 61]]).kinds).toEqual([[], [], ['page_removed']]);
    expect(replay([['ok', [moved], 0]]).kinds).toEqual([['page_moved']]);
  });

  it('with --confirm 3 three sightings inside the gap are not enough; the next one past it confirms', () => {
    const { kinds } = replay([['ok', [para], 0], ['ok', [para], 1], ['ok', [para], 2], ['ok', [para], 61]], { confirm: 3 });
    expect(kinds).toEqual([[], [], [], ['content_removed']]);
  });

  it('with --confirm 3 the gap does not stand in for the sightings: two looks a gap apart are not three', () => {
    expect(replay([['ok', [para], 0], ['ok', [para], 61]], { confirm: 3 }).kinds).toEqual([[], []]);
  });

  it('--confirm 1 raises at the first sighting, whatever the gap', () => {
    expect(replay([['ok', [para], 0]], { confirm: 1 }).kinds).toEqual([['content_removed']]);
  });

  it('a gap of 0 lets back-to-back captures confirm, as before the gap existed', () => {
    expect(replay([['ok', [para], 0], ['ok', [para], 0]], { confirmMinGapMs: 0 }).kinds).toEqual([[], ['content_removed']]);
  });

  it('a failed capture inside the gap keeps the suspicion and when it becomes confirmable', () => {
    const { results } = replay([['ok', [para], 0], ['error', [], 5]]);
    expect(results[1]).toMatchObject({ recheck: true, confirmableAt: at(60) });
    expect(results[1]!.state.lifecycle).toBe('suspect');
  });

  it('a suspicion saved before the gap existed (no firstSeenAt) starts the gap at its next sighting', () => {
    const before: WatchState = {
      ...INITIAL_STATE,
      lifecycle: 'suspect',
      baselineSnapshotId: 1,
      pending: { [para.key]: { finding: para, firstSnapshotId: 2, sightings: 1 } },
    };
    const { kinds, results } = replay([['ok', [para], 0], ['ok', [para], 60]], {}, before);
    expect(kinds).toEqual([[], ['content_removed']]);
    expect(results[0]!.confirmableAt).toEqual(at(60));
    expect(results[1]!.alerts[0]!.evidence).toMatchObject({ firstWithoutSnapshotId: 2, sightings: 3 });
  });
});

describe('recheckDelayMs: when a suspicion’s confirming capture is due', () => {
  const now = T0.getTime();
  it('is the confirmation delay when the gap has passed by then', () => {
    expect(recheckDelayMs(10 * GAP, at(60), now)).toBe(10 * GAP);
    expect(recheckDelayMs(10 * GAP, null, now)).toBe(10 * GAP);
  });

  it('waits for the gap when it ends after the confirmation delay', () => {
    expect(recheckDelayMs(SECOND, at(60), now)).toBe(GAP);
    expect(recheckDelayMs(0, at(2), now + 500)).toBe(1_500);
  });

  it('is never negative: a gap long passed leaves the confirmation delay', () => {
    expect(recheckDelayMs(0, at(-300), now)).toBe(0);
  });
});
