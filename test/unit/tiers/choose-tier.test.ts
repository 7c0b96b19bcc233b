import { describe, expect, it } from 'vitest';
import { chooseTier, type TierInput } from '../../../src/tiers/choose-tier.ts';
import { INITIAL_STATE } from '../../../src/detect/lifecycle.ts';

const NOW = new Date('2026-12-07T12:00:00Z');
const HOUR = 3_600_000;

const input = (changes: Partial<TierInput> = {}): TierInput => ({
  target: { kind: 'page', fetcher: 'browser', options: {} },
  tierState: { scriptDependent: false, fullAt: new Date(NOW.getTime() - HOUR) },
  watchState: INITIAL_STATE,
  previous: { origin: 'capture', outcome: { kind: 'ok' }, status: 200, hasFacts: true },
  now: NOW,
  ...changes,
});

describe('chooseTier: which tier a check starts on', () => {
  it('a plainly live page learned an hour ago: the cheap tier', () => {
    expect(chooseTier(input())).toEqual({ tier: 'cheap' });
  });

  it('http targets and tweets keep their own path', () => {
    expect(chooseTier(input({ target: { kind: 'page', fetcher: 'http', options: {} } }))).toEqual({ tier: 'plain' });
    expect(chooseTier(input({ target: { kind: 'tweet', fetcher: 'browser', options: {} } }))).toEqual({ tier: 'plain' });
  });

  it('nothing learned yet, or nothing answered yet: first', () => {
    expect(chooseTier(input({ tierState: null }))).toEqual({ tier: 'full', reason: 'first' });
    expect(chooseTier(input({ previous: null }))).toEqual({ tier: 'full', reason: 'first' });
  });

  it('fullEvery passed (default 7d): periodic', () => {
    const eightDays = { scriptDependent: false, fullAt: new Date(NOW.getTime() - 8 * 24 * HOUR) };
    expect(chooseTier(input({ tierState: eightDays }))).toEqual({ tier: 'full', reason: 'periodic' });
    expect(chooseTier(input({ target: { kind: 'page', fetcher: 'browser', options: { fullEvery: '30m' } } }))).toEqual({ tier: 'full', reason: 'periodic' });
    expect(chooseTier(input({ target: { kind: 'page', fetcher: 'browser', options: { fullEvery: '2h' } } }))).toEqual({ tier: 'cheap' });
  });

  it('script-dependent: always the browser', () => {
    expect(chooseTier(input({ tierState: { scriptDependent: true, fullAt: NOW } }))).toEqual({ tier: 'full', reason: 'script_dependent' });
  });

  it.each([
    ['a removal under confirmation', { watchState: { ...INITIAL_STATE, lifecycle: 'suspect' as const } }],
    ['a pending finding', { watchState: { ...INITIAL_STATE, pending: { k: { finding: {} as never, firstSnapshotId: 1, sightings: 1 } } } }],
    ['a removed page', { watchState: { ...INITIAL_STATE, lifecycle: 'removed' as const } }],
    ['a failing target', { watchState: { ...INITIAL_STATE, failingSince: NOW } }],
    ['a blind target', { watchState: { ...INITIAL_STATE, blind: 'blocked' as const } }],
    ['no watch state', { watchState: null }],
    ['a last answer that was not ok', { previous: { origin: 'capture', outcome: { kind: 'gone' }, status: 404, hasFacts: true } }],
    ['an archived copy as the last answer', { previous: { origin: 'archive', outcome: { kind: 'ok' }, status: 200, hasFacts: true } }],
    ['a last answer without facts', { previous: { origin: 'capture', outcome: { kind: 'ok' }, status: 200, hasFacts: false } }],
  ])('%s: suspected', (_, changes) => {
    expect(chooseTier(input(changes))).toEqual({ tier: 'full', reason: 'suspected' });
  });

  it('a restored page reads as plainly as a live one', () => {
    expect(chooseTier(input({ watchState: { ...INITIAL_STATE, lifecycle: 'restored' } }))).toEqual({ tier: 'cheap' });
  });
});
