import { describe, expect, it } from 'vitest';
import { carriesArticle, isOtherHost, otherHostRedirect } from '../../../src/detect/other-host-redirect.ts';
import { classifyCapture, type ComparedSnapshot } from '../../../src/detect/classify.ts';
import type { HostNotFoundPage } from '../../../src/detect/generic-page.ts';
import { realPageFacts } from '../../helpers/real-pages.ts';
import { flintlockArticle } from '../../../src/demo/fixture-site.ts';
import type { PageFacts, TextBlock } from '../../../src/page-data/page-facts.ts';

const PARAS = flintlockArticle.paragraphs;
const TEASERS = [
  'NASA satellites track sea level rise along the Gulf Coast as scientists publish a new decade of measurements.',
  'A new global map of methane emissions shows where the gas leaks from wells, pipelines and landfills.',
  'Arctic sea ice reached its annual minimum this September, among the lowest extents in the satellite record.',
];

function page(title: string, blocks: TextBlock[]): PageFacts {
  return { title, canonicalUrl: null, blocks, media: [], links: [], embeds: [] };
}
const para = (text: string): TextBlock => ({ kind: 'paragraph', text });
const heading = (text: string): TextBlock => ({ kind: 'heading', text });

const article = page(flintlockArticle.title, [heading(flintlockArticle.title), ...PARAS.map(para)]);
/** A listing: a heading, then each story's title and lead paragraph. */
const listing = (name: string, leads: string[]) => page(name, [heading(name), ...leads.flatMap((lead, i) => [heading(`Story ${i + 1}`), para(lead)])]);
/** The article on another site's template: its own heading, byline and date lines, a related-stories box, a footer note. */
const copy = (paragraphs: string[]) =>
  page(`${flintlockArticle.title} | Joint Staff`, [
    heading(flintlockArticle.title),
    para('Story by Staff Sgt. Jennifer Lawson, republished by the Joint Staff Public Affairs office'),
    ...paragraphs.map(para),
    heading('Related stories'),
    para(TEASERS[0]!),
    para('This article was first published by U.S. Africa Command and has moved to this site.'),
  ]);

describe('isOtherHost', () => {
  it.each([
    ['https://climate.nasa.gov/news/2943/', 'https://science.nasa.gov/climate-change/', true],
    ['http://127.0.0.1:4001/news/a', 'http://127.0.0.1:4002/news/a', true],
    ['https://www.africom.mil/media-room/article/1', 'https://africom.mil/media-room/article/1', false],
    ['http://www.africom.mil/a', 'https://WWW.AFRICOM.MIL/b', false],
    ['not a url', 'https://science.nasa.gov/', false],
  ])('%s → %s: %s', (from, to, other) => {
    expect(isOtherHost(from, to)).toBe(other);
  });
});

describe('otherHostRedirect: generic pages of a host never seen are removals', () => {
  it.each([
    ['its home page', 'https://science.nasa.gov/', 'redirect_to_other_host_home'],
    ['its home under an index file', 'https://science.nasa.gov/index.html', 'redirect_to_other_host_home'],
    ['its home under a language root', 'https://science.nasa.gov/en-us/', 'redirect_to_other_host_home'],
    ['its search page', 'https://science.nasa.gov/search?q=flintlock', 'redirect_to_other_host_search'],
    ['its search results path', 'https://science.nasa.gov/site-search/results', 'redirect_to_other_host_search'],
    ['a search on its home page', 'https://science.nasa.gov/?s=flintlock', 'redirect_to_other_host_search'],
    ['a section page', 'https://science.nasa.gov/climate-change/', 'redirect_to_other_host_section'],
    ['a subsection page', 'https://science.nasa.gov/earth/climate-change', 'redirect_to_other_host_section'],
  ])('%s', (_, finalUrl, signal) => {
    const verdict = otherHostRedirect(finalUrl, article, listing('Climate Change', TEASERS));
    expect(verdict).toEqual({ signal, article: { carried: 0, of: 5, isCopy: false } });
  });

  it('a deep page that does not carry the article is unrelated', () => {
    const landing = page('Evidence', [heading('Evidence'), ...TEASERS.map(para)]);
    expect(otherHostRedirect('https://science.nasa.gov/climate-change/evidence/how-we-know', article, landing).signal).toBe('redirect_to_unrelated_page');
  });

  it('home and search are told by the path alone, whatever the page says', () => {
    expect(otherHostRedirect('https://jcs.mil/', article, copy(PARAS)).signal).toBe('redirect_to_other_host_home');
    expect(otherHostRedirect('https://jcs.mil/search?query=flintlock', article, copy(PARAS)).signal).toBe('redirect_to_other_host_search');
  });

  it('a section page quoting a short article in full among other teasers is not a copy of it', () => {
    const short = page('Flintlock', [heading('Flintlock'), para(PARAS[0]!)]);
    const landing = listing('News', [PARAS[0]!, ...TEASERS]);
    expect(carriesArticle(short, landing)).toEqual({ carried: 1, of: 1, isCopy: false });
    expect(otherHostRedirect('https://jcs.mil/news', short, landing).signal).toBe('redirect_to_other_host_section');
  });

  it('a page carrying two of five paragraphs is not the article moved', () => {
    expect(otherHostRedirect('https://jcs.mil/media/news/flintlock-2019', article, copy(PARAS.slice(0, 2))).signal).toBe('redirect_to_unrelated_page');
  });
});

describe('otherHostRedirect: a copy of the article on another host is the article moved', () => {
  it.each([
    ['at a deep path, on another template', 'https://www.jcs.mil/media/news/2019/flintlock-2019-begins', copy(PARAS)],
    ['at a short path', 'https://flintlock.jcs.mil/flintlock-2019', copy(PARAS)],
    ['with typos fixed and a paragraph cut', 'https://www.jcs.mil/media/news/flintlock', copy(PARAS.slice(1).map((p) => p.replace('exercise', 'exercise,')))],
  ])('%s', (_, finalUrl, landing) => {
    const verdict = otherHostRedirect(finalUrl, article, landing);
    expect(verdict.signal).toBeNull();
    expect(verdict.article.isCopy).toBe(true);
  });

  it('a photo page with no prose is a copy when its whole text is alike', () => {
    const photoPage = page('Flintlock photos', [heading('Flintlock 2019 photos'), { kind: 'caption', text: 'Soldiers at the opening ceremony in Ouagadougou' }]);
    expect(carriesArticle(photoPage, photoPage)).toEqual({ carried: 0, of: 0, isCopy: true });
    expect(carriesArticle(photoPage, listing('Photos', TEASERS)).isCopy).toBe(false);
  });

  it('scores the copy and the listings as the tuning says', () => {
    expect(carriesArticle(article, copy(PARAS))).toEqual({ carried: 5, of: 5, isCopy: true });
    expect(carriesArticle(article, copy(PARAS.slice(0, 3)))).toEqual({ carried: 3, of: 5, isCopy: true });
    expect(carriesArticle(article, copy(PARAS.slice(1)))).toEqual({ carried: 4, of: 5, isCopy: true });
    expect(carriesArticle(article, copy(PARAS.slice(0, 2)))).toEqual({ carried: 2, of: 5, isCopy: false });
    expect(carriesArticle(article, listing('News', [PARAS[0]!, ...TEASERS]))).toEqual({ carried: 1, of: 5, isCopy: false });
    expect(carriesArticle(article, null)).toEqual({ carried: 0, of: 0, isCopy: false });
  });
});

describe('classifyCapture: a redirect to another host', () => {
  const FROM = 'https://climate.nasa.gov/news/2943/flintlock-2019-begins';
  const snap = (id: number, facts: PageFacts, finalUrl = FROM): ComparedSnapshot => ({
    id, status: 200, requestedUrl: FROM, finalUrl, redirects: finalUrl === FROM ? [] : [{ url: FROM, status: 301 }], facts,
  });
  const run = (landing: PageFacts, finalUrl: string, base: PageFacts = article, hostNotFound: HostNotFoundPage | null = null) =>
    classifyCapture({ baseline: snap(1, base), current: snap(2, landing, finalUrl), outcome: { outcome: 'ok', signal: 'ok', detail: '200' }, hostNotFound, phrases: [] });

  it("raises page_removed alone for the other host's home page, with how much of the article it carries", () => {
    const findings = run(listing('NASA Science', TEASERS), 'https://science.nasa.gov/');
    expect(findings).toEqual([
      expect.objectContaining({ kind: 'page_removed', item: expect.objectContaining({ signal: 'redirect_to_other_host_home', finalUrl: 'https://science.nasa.gov/', articleCarried: { blocks: 0, of: 5 } }) }),
    ]);
  });

  it('raises page_moved for a copy of the article on another host, and no removal of its paragraphs', () => {
    const finalUrl = 'https://www.jcs.mil/media/news/2019/flintlock-2019-begins';
    expect(run(copy(PARAS), finalUrl)).toEqual([
      { kind: 'page_moved', key: `page_moved:${finalUrl}`, item: { from: FROM, to: finalUrl, redirects: [{ url: FROM, status: 301 }], articleCarried: { blocks: 5, of: 5 } } },
    ]);
  });

  it("keeps the origin's not-found page first: a redirect to where it sends URLs that never existed", () => {
    const probe: HostNotFoundPage = { requestedUrl: 'https://climate.nasa.gov/scrubwatch-probe-1', status: 200, finalUrl: 'https://science.nasa.gov/climate-change/', redirected: true, mainText: '' };
    expect(run(listing('Climate Change', TEASERS), 'https://science.nasa.gov/climate-change/', article, probe)[0]?.item).toMatchObject({ signal: 'redirect_to_not_found_page' });
  });

  it('leaves a same-host redirect to its own rules', () => {
    const findings = run(listing('Climate Change', TEASERS), 'https://climate.nasa.gov/climate-change');
    expect(findings[0]?.item).toMatchObject({ signal: 'redirect_to_unrelated_page' });
    expect(findings[0]?.item).not.toHaveProperty('articleCarried');
  });

  it('on real pages: the NOAA article served by another host is moved; another host\'s EPA or NREL page is not it', () => {
    const base = realPageFacts('falsepos-num-views-a.html', FROM);
    const moved = run(realPageFacts('falsepos-num-views-b.html', 'https://www.noaa.gov/news/cpo-article'), 'https://www.noaa.gov/news/cpo-article', base);
    expect(moved.map((f) => [f.kind, f.item['articleCarried']])).toEqual([['page_moved', { blocks: 13, of: 13 }]]);
    const nrel = run(realPageFacts('falsepos-small-changes-b.html', 'https://www.nrel.gov/commercialization'), 'https://www.nrel.gov/commercialization', base);
    expect(nrel.map((f) => [f.kind, f.item['signal'], f.item['articleCarried']])).toEqual([['page_removed', 'redirect_to_other_host_section', { blocks: 0, of: 13 }]]);
    const epa = run(realPageFacts('truepos-major-changes-b.html', 'https://www.epa.gov/climatechange/adaptation/collaboration'), 'https://www.epa.gov/climatechange/adaptation/collaboration', base);
    expect(epa.map((f) => [f.kind, f.item['signal'], f.item['articleCarried']])).toEqual([['page_removed', 'redirect_to_unrelated_page', { blocks: 0, of: 13 }]]);
  });

  it('on real pages: the EPA page reorganised under another host (8 of its 21 blocks left) is not the page moved', () => {
    const base = realPageFacts('truepos-major-changes-a.html', FROM);
    const landing = realPageFacts('truepos-major-changes-b.html', 'https://www.epa.gov/arc-x/collaboration');
    expect(carriesArticle(base, landing)).toEqual({ carried: 8, of: 21, isCopy: false });
    expect(run(landing, 'https://www.epa.gov/arc-x/collaboration', base).map((f) => f.kind)).toEqual(['page_removed']);
  });
});
