import { describe, expect, it } from 'vitest';
import { compileUrlFilter, MAX_FILTERED_URL_CHARS } from '../../../src/sources/url-filter.ts';
import { changeStamp } from '../../../src/sources/apply-discovery.ts';
import { InvalidInputError } from '../../../src/errors/index.ts';

describe('a source\'s include/exclude filter', () => {
  it('keeps every URL with no patterns, and searches each pattern anywhere in the full URL', () => {
    expect(compileUrlFilter([], []).accepts('https://www.africom.mil/anything')).toBe(true);
    const f = compileUrlFilter(['/media-room/article/', '^https://www\\.army\\.mil/'], ['\\.pdf$', 'draft']);
    expect(f.accepts('https://www.africom.mil/media-room/article/31546/flintlock')).toBe(true);
    expect(f.accepts('https://www.army.mil/article/1')).toBe(true);
    expect(f.accepts('https://www.africom.mil/about')).toBe(false);
    expect(f.accepts('https://www.africom.mil/media-room/article/report.pdf')).toBe(false);
    expect(f.accepts('https://www.africom.mil/media-room/article/draft-1')).toBe(false);
  });

  it('matches case-sensitively, as a URL path is', () => {
    const f = compileUrlFilter(['/News/'], []);
    expect(f.accepts('https://example.org/News/1')).toBe(true);
    expect(f.accepts('https://example.org/news/1')).toBe(false);
    expect(compileUrlFilter(['(?i)/news/'], []).accepts('https://example.org/NEWS/1')).toBe(true);
  });

  it('runs in linear time on a hostile URL, and refuses URLs past its cap', () => {
    const f = compileUrlFilter(['(a+)+$'], []);
    const started = Date.now();
    expect(f.accepts(`https://example.org/${'a'.repeat(3_000)}!`)).toBe(false);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(compileUrlFilter([], []).accepts(`https://example.org/${'a'.repeat(MAX_FILTERED_URL_CHARS)}`)).toBe(false);
  });

  it('names the field and what to do for a stored pattern RE2 cannot run', () => {
    expect(() => compileUrlFilter(['(?<=x)y'], [])).toThrow(InvalidInputError);
    expect(() => compileUrlFilter([], ['(a'])).toThrow(/exclude pattern "\(a" cannot be run/);
  });
});

describe('changeStamp: whether a source shows a screened page changed', () => {
  const known = { lastmod: new Date('2019-05-01T00:00:00Z'), archiveTimestamp: '20190501000000' };
  it('is the newer archive timestamp or lastmod, digits only', () => {
    expect(changeStamp(known, { lastmod: null, archiveTimestamp: '20200820120000' })).toBe('20200820120000');
    expect(changeStamp(known, { lastmod: new Date('2020-08-20T12:00:00Z'), archiveTimestamp: null })).toBe('20200820120000000');
  });
  it('is null for the same or an older date, or when nothing was recorded to compare with', () => {
    expect(changeStamp(known, { lastmod: known.lastmod, archiveTimestamp: known.archiveTimestamp })).toBeNull();
    expect(changeStamp(known, { lastmod: new Date('2018-01-01T00:00:00Z'), archiveTimestamp: '20180101000000' })).toBeNull();
    expect(changeStamp({ lastmod: null, archiveTimestamp: null }, { lastmod: new Date(), archiveTimestamp: '20200101000000' })).toBeNull();
  });
});
