import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeWayback, type FakeWayback } from '../helpers/wayback.ts';
import { useReaderRig } from '../helpers/source-reader.ts';

const rig = useReaderRig();
let wayback: FakeWayback;
const PREFIX = 'https://www.example.mil/media-room/article/';
const cdxUrl = () => `${wayback.url}/cdx/search/cdx`;

beforeAll(async () => {
  wayback = await startFakeWayback();
});
afterAll(() => wayback.close());
beforeEach(() => {
  wayback.copies = [];
  wayback.cdxQueries = [];
  wayback.cdxMode = 'ok';
});

describe('archive sources', () => {
  it('yields one page per archived URL, its newest successful HTML copy, with that time as lastmod', async () => {
    wayback.copies.push(
      { url: `${PREFIX}a`, timestamp: '20190101000000' },
      { url: `${PREFIX}a`, timestamp: '20200301120000' },
      { url: `${PREFIX}a`, timestamp: '20210101000000', status: 404 },
      { url: `${PREFIX}b`, timestamp: '20180505050505' },
      { url: `${PREFIX}b`, timestamp: '20180606060606', mimetype: 'application/pdf' },
      { url: 'https://www.example.mil/other/c', timestamp: '20190101000000' },
    );
    const read = await rig.read('archive', PREFIX, { cdxUrl: cdxUrl() });
    expect(read.problems).toEqual([]);
    expect(read.pages).toEqual([
      { type: 'page', url: `${PREFIX}a`, lastmod: new Date('2020-03-01T12:00:00Z'), archiveTimestamp: '20200301120000' },
      { type: 'page', url: `${PREFIX}b`, lastmod: new Date('2018-05-05T05:05:05Z'), archiveTimestamp: '20180505050505' },
    ]);
    const q = wayback.cdxQueries[0]!;
    expect(q.get('matchType')).toBe('prefix');
    expect(q.getAll('filter')).toEqual(['statuscode:200', 'mimetype:text/html']);
    expect(q.get('collapse')).toBeNull();
    expect(q.get('from')).toBeNull();
  });

  it('asks from the since date', async () => {
    wayback.copies.push({ url: `${PREFIX}old`, timestamp: '20150101000000' }, { url: `${PREFIX}new`, timestamp: '20220101000000' });
    const read = await rig.read('archive', PREFIX, { cdxUrl: cdxUrl(), since: new Date('2020-06-15T10:20:30Z') });
    expect(wayback.cdxQueries[0]!.get('from')).toBe('20200615102030');
    expect(read.urls).toEqual([`${PREFIX}new`]);
  });

  it('pages by resume key, keeping the newest row of a URL whose rows straddle two answers', async () => {
    for (let i = 0; i < 6_000; i++) wayback.copies.push({ url: `${PREFIX}p${String(i).padStart(5, '0')}`, timestamp: '20190101000000' });
    // Rows 4,999 and 5,000 (0-based) are the same URL: the first answer ends on its older copy.
    wayback.copies[5_000] = { url: wayback.copies[4_999]!.url, timestamp: '20230101000000' };
    for (let i = 0; i < 7_000; i++) wayback.copies.push({ url: `${PREFIX}q${String(i).padStart(5, '0')}`, timestamp: '20190101000000' });
    const read = await rig.read('archive', PREFIX, { cdxUrl: cdxUrl() });
    expect(read.problems).toEqual([]);
    expect(wayback.cdxQueries.map((q) => q.get('resumeKey'))).toEqual([null, '5000', '10000']);
    expect(read.pages).toHaveLength(12_999);
    expect(new Set(read.urls).size).toBe(12_999);
    expect(read.pages.find((p) => p.url === wayback.copies[4_999]!.url)?.archiveTimestamp).toBe('20230101000000');
  });
});
