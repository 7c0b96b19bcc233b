import { describe, expect, it } from 'vitest';
import { advance, INITIAL_STATE, type StepInput, type WatchState } from '../../../src/detect/lifecycle.ts';
import type { Finding } from '../../../src/detect/findings.ts';
import type { Outcome } from '../../../src/detect/outcome.ts';

const HOUR = 3_600_000;
const T0 = new Date('2020-08-18T06:00:00Z');
const para: Finding = { kind: 'content_removed', key: 'content_removed:goita', item: { kind: 'paragraph', text: 'Col. Assimi Goita…' } };
const phrase: Finding = { kind: 'phrase_removed', key: 'phrase_removed:assimi goita', item: { phrase: 'Assimi Goita' } };
const gone: Finding = { kind: 'page_removed', key: 'page_removed', item: { signal: 'status_404', status: 404 } };
const moved: Finding = { kind: 'page_moved', key: 'page_moved:https://x.mil/new', item: { to: 'https://x.mil/new' } };

/** Runs captures through the state machine: each [outcome, findings, hoursAfterT0]. */
function replay(steps: Array<[Outcome, Finding[], number?]>, options: Partial<StepInput> = {}) {
  let state: WatchState = { ...INITIAL_STATE, baselineSnapshotId: 1 };
  const log: Array<{ alerts: string[]; lifecycle: string; recheck: boolean; baseline: number | null }> = [];
  steps.forEach(([outcome, findings, hours], i) => {
    const snapshotId = i + 2;
    const r = advance(state, { snapshotId, capturedAt: new Date(T0.getTime() + (hours ?? i) * HOUR), outcome, findings, confirm: 2, confirmMinGapMs: 60_000, unreachableAfterMs: 24 * HOUR, maxRechecks: 6, ...options });
    state = r.acceptBaseline ? { ...r.state, baselineSnapshotId: snapshotId } : r.state;
    log.push({ alerts: r.alerts.map((a) => a.kind), lifecycle: state.blind ?? state.lifecycle, recheck: r.recheck, baseline: state.baselineSnapshotId });
  });
  return { log, state };
}

describe('advance: confirmation', () => {
  it('suspects at the first sighting, asks for a re-check, and raises at the second', () => {
    const { log } = replay([['ok', [para, phrase]], ['ok', [para, phrase]]]);
    expect(log[0]).toEqual({ alerts: [], lifecycle: 'suspect', recheck: true, baseline: 1 });
    expect(log[1]).toEqual({ alerts: ['content_removed', 'phrase_removed'], lifecycle: 'live', recheck: false, baseline: 3 });
  });

  it('clears a suspicion the next capture does not repeat', () => {
    const { log } = replay([['ok', [para]], ['ok', []]]);
    expect(log.map((l) => l.alerts)).toEqual([[], []]);
    expect(log[1]).toMatchObject({ lifecycle: 'live', baseline: 3 });
  });

  it('lets a timeout or a 503 in between neither confirm nor clear', () => {
    const { log } = replay([['ok', [para]], ['error', []], ['blocked', []], ['ok', [para]]]);
    expect(log.map((l) => l.alerts)).toEqual([[], [], [], ['content_removed']]);
    expect(log.slice(0, 3).map((l) => l.lifecycle)).toEqual(['suspect', 'suspect', 'suspect']);
    expect(log.slice(0, 3).every((l) => l.recheck)).toBe(true);
  });

  it('raises the same removal once, not at every later capture', () => {
    const { log } = replay([['ok', [para]], ['ok', [para]], ['ok', []], ['ok', []]]);
    expect(log.flatMap((l) => l.alerts)).toEqual(['content_removed']);
  });

  it('raises at once with confirm 1', () => {
    const { log } = replay([['ok', [para]]], { confirm: 1 });
    expect(log[0]!.alerts).toEqual(['content_removed']);
  });

  it('names the last snapshot with the thing and the first without it', () => {
    let state: WatchState = { ...INITIAL_STATE, baselineSnapshotId: 7 };
    const step = (snapshotId: number) => advance(state, { snapshotId, capturedAt: T0, outcome: 'ok', findings: [para], confirm: 2, confirmMinGapMs: 0, unreachableAfterMs: HOUR, maxRechecks: 6 });
    state = step(8).state;
    const { alerts } = step(9);
    expect(alerts[0]?.evidence).toMatchObject({ lastWithSnapshotId: 7, firstWithoutSnapshotId: 8, confirmedBySnapshotId: 9, sightings: 2, items: [para.item] });
  });

  it('stops asking for re-checks after the limit', () => {
    const { log } = replay([['ok', [para]], ['error', []], ['error', []], ['error', []]], { maxRechecks: 2 });
    expect(log.map((l) => l.recheck)).toEqual([true, true, false, false]);
  });
});

describe('advance: the page lifecycle', () => {
  it('goes live → suspect → removed → restored, one alert per transition', () => {
    const { log } = replay([['gone', [gone]], ['gone', [gone]], ['gone', [gone]], ['ok', []], ['ok', []]]);
    expect(log.map((l) => l.lifecycle)).toEqual(['suspect', 'removed', 'removed', 'restored', 'restored']);
    expect(log.map((l) => l.alerts)).toEqual([[], ['page_removed'], [], ['page_restored'], []]);
  });

  it('keeps the last live page as baseline while removed', () => {
    const { log } = replay([['gone', [gone]], ['gone', [gone]]]);
    expect(log[1]!.baseline).toBe(1);
  });

  it('raises page_moved at once, and takes the moved page as baseline', () => {
    const { log } = replay([['ok', [moved]]]);
    expect(log[0]).toEqual({ alerts: ['page_moved'], lifecycle: 'live', recheck: false, baseline: 2 });
  });

  it('does not call a page first seen gone a removal', () => {
    const r = advance(INITIAL_STATE, { snapshotId: 1, capturedAt: T0, outcome: 'gone', findings: [], confirm: 1, confirmMinGapMs: 0, unreachableAfterMs: HOUR, maxRechecks: 6 });
    expect(r).toMatchObject({ alerts: [], acceptBaseline: false });
  });
});

describe('advance: blind watches', () => {
  it('raises page_unreachable once every capture failed for the whole span', () => {
    const { log } = replay([['error', [], 0], ['error', [], 12], ['error', [], 24], ['error', [], 30], ['ok', [], 31]]);
    expect(log.map((l) => l.alerts)).toEqual([[], [], ['page_unreachable'], [], []]);
    expect(log.map((l) => l.lifecycle)).toEqual(['live', 'live', 'unreachable', 'unreachable', 'live']);
  });

  it('raises page_blocked when every failure was a firewall', () => {
    const { log } = replay([['blocked', [], 0], ['blocked', [], 25]]);
    expect(log[1]!.alerts).toEqual(['page_blocked']);
  });

  it('calls a mix of blocks and errors unreachable', () => {
    const { log } = replay([['blocked', [], 0], ['error', [], 25]]);
    expect(log[1]!.alerts).toEqual(['page_unreachable']);
  });

  it('restarts the span after any answer', () => {
    const { log } = replay([['error', [], 0], ['ok', [], 12], ['error', [], 20], ['error', [], 30]]);
    expect(log.flatMap((l) => l.alerts)).toEqual([]);
  });
});

describe('advance: what an alert says of the page', () => {
  const LONG = 'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse the cross-border cooperation that the fight against violent extremist organizations requires.';

  it('quotes a long paragraph in its summary cut at a word, as the page wrote it', () => {
    const cut: Finding = { kind: 'content_removed', key: 'content_removed:long', item: { kind: 'paragraph', text: LONG } };
    const doc: Finding = { kind: 'document_removed', key: 'document_removed:fact-sheet', item: { text: `Fact sheet: ${LONG}`, url: 'https://x.mil/f.pdf' } };
    let state: WatchState = { ...INITIAL_STATE, baselineSnapshotId: 1 };
    const step = (snapshotId: number) => advance(state, { snapshotId, capturedAt: T0, outcome: 'ok', findings: [cut, doc], confirm: 2, confirmMinGapMs: 0, unreachableAfterMs: HOUR, maxRechecks: 6 });
    state = step(2).state;
    const summaries = step(3).alerts.map((a) => a.summary);
    expect(summaries).toEqual([
      '1 paragraph removed: "Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse the…"',
      '1 linked document removed: "Fact sheet: Col. Assimi Goita, commander of Mali’s special forces, said the…" https://x.mil/f.pdf',
    ]);
  });
});
