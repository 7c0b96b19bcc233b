import { describe, expect, it } from 'vitest';
import type { SearchHit } from '../../../src/search/search-archive.ts';
import { createViews, helpers } from '../../../src/http/ui/views.ts';
import { buildSearchView, readSearchParams, searchHref, searchRequest, snippetPieces, SEARCH_PAGE_SIZE } from '../../../src/http/ui/search-view.ts';

const hit = (over: Partial<SearchHit> = {}): SearchHit => ({
  targetId: 7,
  url: 'https://www.africom.mil/flintlock',
  name: 'Flintlock 2019 begins',
  scope: 'gone',
  snapshotId: 12,
  capturedAt: '2024-05-03T10:00:00.000Z',
  firstSeenAt: '2024-05-01T10:00:00.000Z',
  lastSeenAt: '2024-05-02T10:00:00.000Z',
  lastMatchingSnapshotId: 11,
  stillThere: false,
  removed: false,
  firstWithoutSnapshotId: 12,
  firstWithoutAt: '2024-05-03T10:00:00.000Z',
  part: 'main',
  snippet: 'Col. Assimi Goita spoke with his soldiers.',
  highlights: [{ start: 5, end: 17 }],
  ...over,
});

describe('the search page: reading its URL', () => {
  it('reads the query, scope and filters, and takes the first of a repeated value', () => {
    expect(readSearchParams({ q: '"Assimi Goita"', scope: 'gone', target: '3', tag: ' mali ', source: '2', limit: '5', cursor: '40' }))
      .toEqual({ q: '"Assimi Goita"', scope: 'gone', target: 3, tag: 'mali', source: 2, limit: 5, cursor: 40 });
    expect(readSearchParams({ q: ['first', 'second'], scope: ['ever', 'now'] })).toMatchObject({ q: 'first', scope: 'ever' });
  });

  it('has no query when the page is opened bare, and an unknown scope is now', () => {
    expect(readSearchParams({})).toEqual({ q: null, scope: 'now', target: undefined, tag: undefined, source: undefined, limit: undefined, cursor: undefined });
    expect(readSearchParams({ q: '', scope: 'sometimes' })).toMatchObject({ q: '', scope: 'now' });
  });

  it('refuses a filter that is not an id rather than widening the search', () => {
    expect(() => readSearchParams({ q: 'x', target: 'abc' })).toThrow(/target must be a target id/);
    expect(() => readSearchParams({ q: 'x', source: '0' })).toThrow(/source must be a source id/);
    expect(() => readSearchParams({ q: 'x', cursor: '1; drop table targets' })).toThrow(/cursor/);
    expect(() => readSearchParams({ q: 'x', limit: '201' })).toThrow(/limit must be a whole number from 1 to 200/);
    expect(() => readSearchParams({ q: 'x', limit: '0' })).toThrow(/limit/);
  });

  it('asks searchArchive for one page, and links back with the filters kept', () => {
    const p = readSearchParams({ q: 'Goita OR Goïta', scope: 'ever', tag: 'mali', cursor: '9' });
    expect(searchRequest(p)).toEqual({ query: 'Goita OR Goïta', scope: 'ever', targetId: undefined, tag: 'mali', sourceId: undefined, cursor: 9, limit: SEARCH_PAGE_SIZE });
    expect(searchHref(p)).toBe('/search?q=Goita+OR+Go%C3%AFta&scope=ever&tag=mali&cursor=9');
    expect(searchRequest(readSearchParams({ q: 'goita', limit: '2' })).limit).toBe(2);
  });
});

describe('the search page: marking snippets', () => {
  it('splits page text from the matched words', () => {
    expect(snippetPieces('Col. Assimi Goita spoke, and Goita left.', [{ start: 5, end: 17 }, { start: 29, end: 34 }])).toEqual([
      { text: 'Col. ', mark: false },
      { text: 'Assimi Goita', mark: true },
      { text: ' spoke, and ', mark: false },
      { text: 'Goita', mark: true },
      { text: ' left.', mark: false },
    ]);
  });

  it('keeps every character of the text whatever the spans say', () => {
    const text = '<script>alert(1)</script> Goita';
    const pieces = snippetPieces(text, [{ start: 28, end: 30 }, { start: 26, end: 31 }, { start: 3, end: 99 }, { start: 4, end: 4 }]);
    expect(pieces.map((p) => p.text).join('')).toBe(text);
    expect(pieces.filter((p) => p.mark).map((p) => p.text)).toEqual(['Goita']);
    expect(snippetPieces('', [])).toEqual([]);
  });
});

describe('the search page: results', () => {
  it('shows a gone hit with its snapshot, the diff where the mention went, and when', () => {
    const view = buildSearchView(readSearchParams({ q: 'goita', scope: 'gone' }), { items: [hit()], next: null });
    expect(view.rows[0]).toMatchObject({
      heading: 'Flintlock 2019 begins',
      url: 'https://www.africom.mil/flintlock',
      where: 'in the text',
      status: 'mention gone',
      goneAt: '2024-05-03T10:00:00.000Z',
      snapshotHref: '/snapshots/11',
      diffHref: '/snapshots/12/diff?against=11',
    });
    expect(view.rows[0]!.snippet.filter((p) => p.mark)).toEqual([{ text: 'Assimi Goita', mark: true }]);
    expect(view.empty).toBeNull();
    expect(view.nextHref).toBeNull();
  });

  it('says a removed page is removed, and a hit still there has no diff', () => {
    const p = readSearchParams({ q: 'goita' });
    const [removed, there] = buildSearchView(p, { items: [hit({ removed: true, part: 'caption' }), hit({ stillThere: true, name: null, firstWithoutSnapshotId: null, firstWithoutAt: null })], next: null }).rows;
    expect(removed).toMatchObject({ status: 'page removed', where: 'in a photo caption or alt text', diffHref: '/snapshots/12/diff?against=11' });
    expect(there).toMatchObject({ status: 'still there', heading: 'https://www.africom.mil/flintlock', url: null, goneAt: null, diffHref: null });
  });

  it('makes each scope a tab keeping the query and filters, and drops the cursor', () => {
    const view = buildSearchView(readSearchParams({ q: '"Assimi Goita"', scope: 'ever', tag: 'mali', target: '4', limit: '1', cursor: '3' }), { items: [hit()], next: 20 });
    expect(view.tabs).toEqual([
      { scope: 'now', label: 'Now', href: '/search?q=%22Assimi+Goita%22&scope=now&target=4&tag=mali&limit=1', current: false },
      { scope: 'ever', label: 'Ever', href: '/search?q=%22Assimi+Goita%22&scope=ever&target=4&tag=mali&limit=1', current: true },
      { scope: 'gone', label: 'Gone', href: '/search?q=%22Assimi+Goita%22&scope=gone&target=4&tag=mali&limit=1', current: false },
    ]);
    expect(view.nextHref).toBe('/search?q=%22Assimi+Goita%22&scope=ever&target=4&tag=mali&limit=1&cursor=20');
  });

  it('says when nothing matched, and suggests the Ever scope unless already there', () => {
    const now = buildSearchView(readSearchParams({ q: 'goita', tag: 'mali' }), { items: [], next: null });
    expect(now.empty).toEqual({ message: 'No page matches now.', everHref: '/search?q=goita&scope=ever&tag=mali' });
    expect(now.rows).toEqual([]);
    expect(buildSearchView(readSearchParams({ q: 'goita', scope: 'ever' }), { items: [], next: null }).empty).toEqual({ message: 'No snapshot of any page ever matched.', everHref: null });
    expect(buildSearchView(readSearchParams({ q: 'goita', scope: 'gone', cursor: '5' }), { items: [], next: null }).empty?.message).toBe('No more pages match.');
  });
});

describe('the search page template', () => {
  it('writes page text, names and URLs as text, with only the matched words in <mark>', () => {
    const hostile = '<img src=x onerror=alert(1)> Goita </mark><script>alert(2)</script>';
    const params = readSearchParams({ q: '<b>goita</b>', scope: 'gone' });
    const view = buildSearchView(params, { items: [hit({ name: '<i>named</i>', url: 'javascript:alert(3)', snippet: hostile, highlights: [{ start: 29, end: 34 }] })], next: null });
    const html = createViews().render('search', { principal: null, csrf: 't', can: () => true, path: '/search', h: helpers, title: 'Search', params, view, searchBox: { q: params.q } });
    const snippet = /<p class="snippet">(.*?)<\/p>/s.exec(html)![1];
    expect(snippet).toBe('&lt;img src=x onerror=alert(1)&gt; <mark>Goita</mark> &lt;/mark&gt;&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(html).toContain('&lt;i&gt;named&lt;/i&gt;');
    // The layout loads the UI's own script; the page's body holds none, and no tag from the web.
    expect(/<main[^>]*>(.*)<\/main>/s.exec(html)![1]).not.toMatch(/<(img|script|i|b)[\s>]/);
    expect(html).not.toContain('href="javascript:');
  });
});
