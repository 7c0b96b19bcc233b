import { describe, expect, it } from 'vitest';
import { advance, INITIAL_STATE, type WatchState } from '../../../src/detect/lifecycle.ts';
import type { Finding } from '../../../src/detect/findings.ts';

const KEY = 'phrase_removed:assimi goita';
const mention = (sentence: string, part: string, remaining: number) => ({ phrase: 'Assimi Goita', sentence, part, remaining });
const PARAGRAPH = mention('Col. Assimi Goita, commander of Mali’s special forces, said the exercise mattered.', 'main', 2);
const CAPTION = mention('Col. Assimi Goita speaks with soldiers.', 'caption', 1);

/** Two captures that both see the phrase's mentions down, the second seeing one more lost: the same key confirms. */
function confirm(first: Finding, second: Finding) {
  const state: WatchState = { ...INITIAL_STATE, baselineSnapshotId: 1 };
  const step = (s: WatchState, snapshotId: number, finding: Finding) =>
    advance(s, { snapshotId, capturedAt: new Date(), outcome: 'ok', findings: [finding], confirm: 2, unreachableAfterMs: 86_400_000, maxRechecks: 6, confirmMinGapMs: 0 });
  const one = step(state, 2, first);
  expect(one.alerts).toEqual([]);
  return step(one.state, 3, second).alerts;
}

describe('phrase_removed alerts of lost mentions', () => {
  it('confirms a phrase whose lost mentions changed between looks, listing every mention of the confirming capture', () => {
    const alerts = confirm(
      { kind: 'phrase_removed', key: KEY, item: PARAGRAPH },
      { kind: 'phrase_removed', key: KEY, item: { ...PARAGRAPH, remaining: 1 }, moreItems: [CAPTION] },
    );
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'phrase_removed', severity: 'high', evidence: { items: [{ ...PARAGRAPH, remaining: 1 }, CAPTION], firstWithoutSnapshotId: 2, sightings: 2 } });
    expect(alerts[0]!.summary).toBe('mentions of watched phrase removed: "Assimi Goita" (2 cut, 1 left)');
  });

  it('says the phrase is no longer on the page when no mention remains', () => {
    const gone = { kind: 'phrase_removed' as const, key: KEY, item: { ...PARAGRAPH, remaining: 0 }, moreItems: [{ ...CAPTION, remaining: 0 }] };
    expect(confirm(gone, gone)[0]!.summary).toBe('watched phrase no longer on the page: "Assimi Goita"');
  });

  it('names each phrase once beside a saved search, saying which remain', () => {
    const search = { kind: 'phrase_removed' as const, key: 'phrase_removed:search:mali', item: { phrase: 'Mali', savedSearchId: 4, reason: 'mention_gone', context: 'in Mali' } };
    const finding = { kind: 'phrase_removed' as const, key: KEY, item: PARAGRAPH };
    const state: WatchState = { ...INITIAL_STATE, baselineSnapshotId: 1 };
    const input = { capturedAt: new Date(), outcome: 'ok' as const, findings: [finding, search], confirm: 1, unreachableAfterMs: 1, maxRechecks: 1, confirmMinGapMs: 0 };
    expect(advance(state, { ...input, snapshotId: 2 }).alerts[0]!.summary).toBe(
      'mentions of watched phrases removed: "Assimi Goita" (1 cut, 2 left), saved search Mali (no longer on the page)',
    );
  });
});
