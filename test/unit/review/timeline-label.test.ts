import { describe, expect, it } from 'vitest';
import { advance, INITIAL_STATE, type WatchState } from '../../../src/detect/lifecycle.ts';
import type { Finding } from '../../../src/detect/findings.ts';
import type { Outcome } from '../../../src/detect/outcome.ts';
import { labelSnapshot, type LabelFacts, type TimelineLabel } from '../../../src/review/timeline-label.ts';

const HOUR = 3_600_000;
const T0 = new Date('2026-03-01T00:00:00Z');
const pageGone: Finding = { kind: 'page_removed', key: 'page', item: { status: 404 } };
const paragraph: Finding = { kind: 'content_removed', key: 'block:abc', item: { text: 'A paragraph that went.' } };

/** One capture of a history: what it got, what it found against the baseline, and whether it matched the one before. */
interface Step {
  outcome: Outcome;
  findings?: Finding[];
  unchanged?: boolean;
}

/**
 * Runs a history through the real lifecycle (confirm after two sightings an hour apart) and labels each snapshot
 * from what the timeline's query reads: its outcome, its change, the alerts it raised, and whether a removal was
 * pending once it was taken.
 */
function labelsOf(steps: Step[]): TimelineLabel[] {
  let state: WatchState = INITIAL_STATE;
  return steps.map((step, i) => {
    const r = advance(state, { snapshotId: i + 1, capturedAt: new Date(T0.getTime() + i * HOUR), outcome: step.outcome, findings: step.findings ?? [], confirm: 2, confirmMinGapMs: 60_000, unreachableAfterMs: 3 * HOUR, maxRechecks: 6 });
    // As the capture job does: a snapshot the lifecycle accepts becomes the baseline.
    state = r.acceptBaseline ? { ...r.state, baselineSnapshotId: i + 1 } : r.state;
    const facts: LabelFacts = {
      outcome: step.outcome,
      change: i === 0 ? null : { unchanged: step.unchanged ?? (step.findings ?? []).length === 0 },
      alertKinds: r.alerts.map((a) => a.kind),
      suspected: Object.keys(r.state.pending).length > 0,
    };
    return labelSnapshot(facts);
  });
}

describe('timeline labels: what each snapshot was', () => {
  it('baseline → unchanged → suspected → confirmed removal → restored, for a page taken down and put back', () => {
    const labels = labelsOf([
      { outcome: 'ok' },
      { outcome: 'ok', unchanged: true },
      { outcome: 'gone', findings: [pageGone], unchanged: false },
      // The confirming capture matches the one before it: it is the confirmation, not "unchanged".
      { outcome: 'gone', findings: [pageGone], unchanged: true },
      { outcome: 'gone', findings: [pageGone], unchanged: true },
      { outcome: 'ok', unchanged: false },
      { outcome: 'ok', unchanged: true },
    ]);
    expect(labels).toEqual(['baseline', 'unchanged', 'suspected-removal', 'confirmed-removal', 'unchanged', 'restored', 'unchanged']);
  });

  it('a cut paragraph: suspected, then confirmed; an edit that is not a removal is only "changed"', () => {
    expect(labelsOf([
      { outcome: 'ok' },
      { outcome: 'ok', unchanged: false },
      { outcome: 'ok', findings: [paragraph] },
      { outcome: 'ok', findings: [paragraph], unchanged: true },
    ])).toEqual(['baseline', 'changed', 'suspected-removal', 'confirmed-removal']);
  });

  it('blocked and failed captures are labelled as such, even while a removal is suspected or when they raise page_blocked', () => {
    expect(labelsOf([
      { outcome: 'ok' },
      { outcome: 'ok', findings: [paragraph] },
      { outcome: 'blocked', unchanged: false },
      { outcome: 'error', unchanged: false },
      { outcome: 'blocked', unchanged: false },
      { outcome: 'blocked', unchanged: false },
      { outcome: 'ok', findings: [paragraph], unchanged: false },
    ])).toEqual(['baseline', 'suspected-removal', 'blocked', 'error', 'blocked', 'blocked', 'confirmed-removal']);
  });

  it('a suspicion cleared by the next capture leaves a changed snapshot, not a removal', () => {
    expect(labelsOf([{ outcome: 'ok' }, { outcome: 'ok', findings: [paragraph] }, { outcome: 'ok', unchanged: false }])).toEqual(['baseline', 'suspected-removal', 'changed']);
  });

  it('reads alerts before the comparison: page_unreachable alone does not make a removal', () => {
    expect(labelSnapshot({ outcome: 'ok', change: { unchanged: true }, alertKinds: ['page_unreachable'], suspected: false })).toBe('unchanged');
    expect(labelSnapshot({ outcome: 'gone', change: null, alertKinds: [], suspected: false })).toBe('baseline');
    expect(labelSnapshot({ outcome: null, change: { unchanged: false }, alertKinds: ['media_removed', 'phrase_removed'], suspected: true })).toBe('confirmed-removal');
  });
});
