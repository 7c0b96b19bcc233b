import { describe, expect, it } from 'vitest';
import { storedTargetOptionsSchema, targetOptionsSchema } from '../../../src/target-model/target-options.ts';
import { parseInput } from '../../../src/invalid-input.ts';
import { durationWords, nextFullCaptureDue, tierLines, tierSummary } from '../../../src/tiers/tier-summary.ts';
import type { TierState } from '../../../src/db/target-tiers.ts';

describe('the fullEvery target option', () => {
  it('defaults to 7d, also on options stored before it existed', () => {
    expect(targetOptionsSchema.parse({}).fullEvery).toBe('7d');
    expect(storedTargetOptionsSchema.parse({ confirm: 3 }).fullEvery).toBe('7d');
  });

  it.each(['1m', '12h', '7d', '30d', '366d', ' 2d '])('takes %j, as a schedule takes every', (text) => {
    expect(targetOptionsSchema.parse({ fullEvery: text }).fullEvery).toBe(text.trim());
  });

  it.each([
    ['weekly', /^options\.fullEvery: "weekly" is not a duration; write it like 7d, 12h or 30d$/],
    ['1w', /is not a duration/],
    ['30s', /^options\.fullEvery: "30s" is out of range; use between 1m and 366d$/],
    ['367d', /out of range/],
    ['', /is not a duration/],
  ])('refuses %j with what to write instead', (text, message) => {
    expect(() => parseInput(targetOptionsSchema, { fullEvery: text }, ['options'])).toThrowError(message);
  });
});

const learned: TierState = {
  targetId: 1, scriptDependent: false, plainPrint: null, etag: '"a"', lastModified: null, trustsValidators: true, fullSnapshotId: 41,
  fullAt: new Date('2026-12-01T06:00:00.000Z'),
};

describe('tierSummary: what the tiers learned, as targets show and the API give it', () => {
  it('is all nulls but fullEvery before the first full capture', () => {
    expect(tierSummary({ fullEvery: '7d' }, null)).toEqual({
      scriptDependent: null, trustsValidators: null, fullEvery: '7d', lastFullCaptureAt: null, lastFullSnapshotId: null, nextFullCaptureDue: null,
    });
    expect(nextFullCaptureDue(null, '7d')).toBeNull();
  });

  it('puts the next full capture fullEvery after the last', () => {
    expect(tierSummary({ fullEvery: '12h' }, learned)).toEqual({
      scriptDependent: false, trustsValidators: true, fullEvery: '12h', lastFullCaptureAt: '2026-12-01T06:00:00.000Z', lastFullSnapshotId: 41,
      nextFullCaptureDue: '2026-12-01T18:00:00.000Z',
    });
  });

  it('reads at a glance', () => {
    expect(tierLines(tierSummary({ fullEvery: '7d' }, null))).toEqual(['Checked cheaply between full captures every 7 days; no full capture yet, so the next check opens the browser']);
    expect(tierLines(tierSummary({ fullEvery: '1d' }, learned))).toEqual([
      'Checked cheaply between full captures every day; last full capture 2026-12-01T06:00:00.000Z (snapshot #41), next due 2026-12-02T06:00:00.000Z',
      "The site's ETag / Last-Modified answers are trusted",
    ]);
    const scripted = tierLines(tierSummary({ fullEvery: '7d' }, { ...learned, scriptDependent: true, trustsValidators: false, fullSnapshotId: null }), (iso) => iso.slice(0, 10));
    expect(scripted[0]).toBe('Script-dependent: always captured in the browser; last full capture 2026-12-01, next due 2026-12-08');
    expect(scripted[1]).toMatch(/not trusted/);
  });

  it('says durations in words', () => {
    expect([durationWords('7d'), durationWords('1h'), durationWords('90m'), durationWords('odd')]).toEqual(['7 days', 'hour', '90 minutes', 'odd']);
  });
});
