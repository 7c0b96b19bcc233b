import { describe, expect, it } from 'vitest';
import { cheapVerdict, type CheapBaseline, type PlainAnswer } from '../../../src/tiers/cheap-check.ts';

const URL_ = 'https://example.org/news/a';
const PRINT = 'a'.repeat(64);

const base = (changes: Partial<CheapBaseline> = {}): CheapBaseline => ({
  previous: { status: 200, finalUrl: URL_, redirects: [] },
  learned: { etag: '"v1"', lastModified: null, plainPrint: PRINT },
  conditional: true,
  ...changes,
});

const answer = (changes: Partial<PlainAnswer> = {}): PlainAnswer => ({
  status: 200,
  errorCode: null,
  finalUrl: URL_,
  redirects: [],
  headers: { etag: '"v1"' },
  outcome: 'ok',
  print: PRINT,
  ...changes,
});

describe('cheapVerdict: what one plain-HTTP answer says about the page', () => {
  it('a 304 to validators sent: unchanged; to none sent: a failure', () => {
    expect(cheapVerdict(answer({ status: 304, print: null }), base())).toEqual({ unchanged: true, refresh: false });
    expect(cheapVerdict(answer({ status: 304, print: null }), base({ conditional: false }))).toMatchObject({ unchanged: false, reason: 'cheap_failed' });
  });

  it('the same print: unchanged, refreshing validators that changed', () => {
    expect(cheapVerdict(answer(), base())).toEqual({ unchanged: true, refresh: false });
    expect(cheapVerdict(answer({ headers: { etag: '"v2"' } }), base())).toEqual({ unchanged: true, refresh: true });
  });

  it('another print: validator_changed under new validators, hash_changed with none, distrust under the same', () => {
    const other = 'b'.repeat(64);
    expect(cheapVerdict(answer({ print: other, headers: { etag: '"v2"' } }), base())).toMatchObject({ reason: 'validator_changed', distrust: false });
    expect(cheapVerdict(answer({ print: other, headers: {} }), base({ learned: { etag: null, lastModified: null, plainPrint: PRINT }, conditional: false }))).toMatchObject({ reason: 'hash_changed', distrust: false });
    expect(cheapVerdict(answer({ print: other }), base())).toMatchObject({ reason: 'hash_changed', distrust: true });
    const modified = { etag: null, lastModified: 'Mon, 18 Feb 2019 12:00:00 GMT', plainPrint: PRINT };
    expect(cheapVerdict(answer({ print: other, headers: { 'last-modified': modified.lastModified } }), base({ learned: modified }))).toMatchObject({ reason: 'hash_changed', distrust: true });
  });

  it('everything that may be a removal escalates, never an unchanged answer', () => {
    expect(cheapVerdict(answer({ status: 404 }), base())).toMatchObject({ reason: 'status_changed' });
    expect(cheapVerdict(answer({ status: 410 }), base())).toMatchObject({ reason: 'status_changed' });
    expect(cheapVerdict(answer({ outcome: 'gone' }), base())).toMatchObject({ reason: 'status_changed' });
    expect(cheapVerdict(answer({ finalUrl: 'https://example.org/' }), base())).toMatchObject({ reason: 'moved' });
    expect(cheapVerdict(answer({ redirects: [{ url: URL_, status: 301 }] }), base())).toMatchObject({ reason: 'moved' });
  });

  it('a failed request, or no HTML to read: cheap_failed', () => {
    expect(cheapVerdict(answer({ status: null, errorCode: 'timeout' }), base())).toMatchObject({ reason: 'cheap_failed' });
    expect(cheapVerdict(answer({ print: null }), base())).toMatchObject({ reason: 'cheap_failed' });
  });
});
