import { describe, expect, it } from 'vitest';
import { cdxDate, cdxTimestamp, LineSplitter, parseCdxLine } from '../../../src/sources/read/cdx-lines.ts';

describe('CDX lines', () => {
  it('reads a row of urlkey, timestamp and original', () => {
    expect(parseCdxLine('mil,example)/a 20190101000000 https://www.example.mil/a\r')).toEqual({
      type: 'row',
      row: { urlkey: 'mil,example)/a', timestamp: '20190101000000', original: 'https://www.example.mil/a' },
    });
  });

  it('ignores fields after the third (the index default field list)', () => {
    expect(parseCdxLine('org,example)/p1 20190101000000 http://example.org/p1 text/html 200')).toMatchObject({ type: 'row', row: { original: 'http://example.org/p1' } });
  });

  it('tells blank lines and anything else (a resume key, an HTML error page) from rows', () => {
    expect(parseCdxLine('  ')).toEqual({ type: 'blank' });
    expect(parseCdxLine('mil%2Cexample%29%2Fa+20190101000000')).toEqual({ type: 'other', text: 'mil%2Cexample%29%2Fa+20190101000000' });
    expect(parseCdxLine('<html><body>Service temporarily unavailable</body></html>').type).toBe('other');
    expect(parseCdxLine('mil,example)/a 2019 https://www.example.mil/a').type).toBe('other');
    expect(parseCdxLine('mil,example)/a 20190101000000 ftp://x/a').type).toBe('other');
  });

  it('converts between dates and CDX timestamps in UTC', () => {
    expect(cdxTimestamp(new Date('2020-06-15T10:20:30.999Z'))).toBe('20200615102030');
    expect(cdxDate('20200615102030').toISOString()).toBe('2020-06-15T10:20:30.000Z');
  });

  it('splits chunks into lines, holding an unfinished one and cutting one that never ends', () => {
    const lines = new LineSplitter(10);
    expect(lines.push('ab\ncd')).toEqual(['ab']);
    expect(lines.push('e\n')).toEqual(['cde']);
    expect(lines.push('x'.repeat(25))).toEqual(['x'.repeat(10)]);
    expect(lines.push('yy')).toEqual([]);
    expect(lines.end()).toEqual(['yy']);
  });
});
