import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/errors/index.ts';

describe('SCRUBWATCH_CONFIRM_MIN_GAP: the least time between a removal’s first sighting and its confirmation', () => {
  it('is 60 s by default, and when set empty', () => {
    expect(loadConfig({}).confirmMinGapMs).toBe(60_000);
    expect(loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: '' }).confirmMinGapMs).toBe(60_000);
  });

  it('reads a duration like the other variables, and 0 with or without a unit', () => {
    expect(loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: '2s' }).confirmMinGapMs).toBe(2_000);
    expect(loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: '5m' }).confirmMinGapMs).toBe(300_000);
    expect(loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: '750ms' }).confirmMinGapMs).toBe(750);
    expect(loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: '0' }).confirmMinGapMs).toBe(0);
    expect(loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: '0s' }).confirmMinGapMs).toBe(0);
  });

  it.each(['60', '1 minute', '-5s', '1.5m', '5w', 'soon'])('refuses %j with an error naming the variable and what to write', (value) => {
    expect(() => loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: value })).toThrow(ConfigError);
    expect(() => loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: value })).toThrow(/SCRUBWATCH_CONFIRM_MIN_GAP: must be a duration like 60s, 2m or 0/);
  });

  it('names every bad variable at once, the gap among them', () => {
    expect(() => loadConfig({ SCRUBWATCH_CONFIRM_MIN_GAP: 'x', SCRUBWATCH_CONFIRM_DELAY: 'y' })).toThrow(/SCRUBWATCH_CONFIRM_DELAY[\s\S]*SCRUBWATCH_CONFIRM_MIN_GAP|SCRUBWATCH_CONFIRM_MIN_GAP[\s\S]*SCRUBWATCH_CONFIRM_DELAY/);
  });
});
