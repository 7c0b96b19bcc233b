import { realPageHtml } from '../../helpers/real-pages.ts';
import { parseHTML } from 'linkedom';
import { describe, expect, it } from 'vitest';
import type { TextBlock } from '../../../src/page-data/page-facts.ts';
import { articleHtml, flintlockArticle, type ArticleSpec } from '../../../src/demo/article-html.ts';
import { markMainContent } from '../../../src/extract/main-content.ts';
import { FACT_CAPS } from '../../../src/extract/caps.ts';
import { extractPageFacts } from '../../../src/extract/page-facts.ts';

const BASE_URL = 'https://www.africom.mil/news/flintlock';

function marked(html: string, ignore: string[] = []): TextBlock[] {
  const { document } = parseHTML(html);
  const facts = extractPageFacts(document as unknown as Document, { baseUrl: BASE_URL, ignore, caps: FACT_CAPS });
  return markMainContent(html, BASE_URL, facts.blocks, ignore);
}

const mainOf = (blocks: TextBlock[], text: string): boolean | undefined => {
  const block = blocks.find((b) => b.text === text);
  expect(block, `no block "${text}"`).toBeDefined();
  return block?.main;
};

describe('markMainContent on the fixture article', () => {
  const inlineRelated = ['AFRICOM commander visits troops in Mauritania', 'Special operations forces wrap up Flintlock 2018 in Niger'];
  const spec: ArticleSpec = { ...flintlockArticle, inlineRelated, views: 4099, updated: 'Feb. 19, 2019, 10:42 AM' };
  const blocks = marked(articleHtml(spec));

  it('counts the title, byline, date, body paragraphs and photo captions as main', () => {
    for (const text of [spec.title, spec.byline, spec.date, ...spec.paragraphs, ...spec.photos.map((p) => p.caption)]) {
      expect(mainOf(blocks, text), text).toBe(true);
    }
  });

  it('keeps the changing "Last updated" and view-counter lines in the article (the detector handles them)', () => {
    expect(mainOf(blocks, 'Last updated: Feb. 19, 2019, 10:42 AM')).toBe(true);
    expect(mainOf(blocks, 'Number of views: 4099')).toBe(true);
  });

  it('marks the in-article "Related stories" box, heading and items, as not main', () => {
    const index = blocks.findIndex((b) => b.kind === 'heading' && b.text === 'Related stories');
    expect(blocks.slice(index, index + 3)).toEqual([
      { kind: 'heading', text: 'Related stories', main: false },
      { kind: 'list-item', text: inlineRelated[0], main: false },
      { kind: 'list-item', text: inlineRelated[1], main: false },
    ]);
    expect(blocks.filter((b) => b.main === false)).toHaveLength(3);
  });

  it('returns new blocks, leaving its input as it was', () => {
    const input: TextBlock[] = [{ kind: 'paragraph', text: spec.paragraphs[0] ?? '' }];
    const output = markMainContent(articleHtml(spec), BASE_URL, input, []);
    expect(output).toEqual([{ ...input[0], main: true }]);
    expect(input[0]).not.toHaveProperty('main');
  });
});

describe('markMainContent on real government pages', () => {
  const page = (name: string): TextBlock[] => marked(realPageHtml(`${name}.html`));

  it('EPA: the article paragraphs and their lists are main; the share bar, contact line and side menu are not', () => {
    const blocks = page('truepos-major-changes-a');
    const paragraphs = blocks.filter((b) => b.kind === 'paragraph');
    expect(paragraphs.length).toBeGreaterThan(5);
    for (const p of paragraphs) expect(p.main, p.text).toBe(p.text !== 'Contact Us to ask a question, provide feedback, or report a problem.');
    expect(mainOf(blocks, 'Federal Partner Collaboration')).toBe(true);
    expect(blocks.filter((b) => b.kind === 'list-item' && /^The National (Action Plan|Ocean Policy)/.test(b.text)).map((b) => b.main)).toEqual([true, true]);
    expect(mainOf(blocks, 'Share Facebook Twitter Google+ Pinterest')).toBe(false);
    expect(mainOf(blocks, 'Contact Us')).toBe(false);
    expect(mainOf(blocks, 'Climate Change HomeBasic Information What EPA is Doing What You Can Do Newsroom Glossary')).toBe(false);
    expect(mainOf(blocks, "Students' Site")).toBe(false);
  });

  it('NOAA: the article is main, including its view counter; the date and categories line is not', () => {
    const blocks = page('falsepos-num-views-a');
    expect(blocks.filter((b) => b.kind === 'paragraph' && b.text.startsWith('The National Oceanic')).map((b) => b.main)).toEqual([true]);
    expect(blocks.find((b) => b.text.startsWith('Number of views'))?.main).toBe(true);
    expect(blocks.find((b) => b.text.startsWith('Friday, October 09, 2015/Categories'))?.main).toBe(false);
  });

  it('NREL: every block of the program page is main', () => {
    const blocks = page('falsepos-small-changes-a');
    expect(blocks.length).toBeGreaterThan(10);
    expect(blocks.every((b) => b.main === true)).toBe(true);
  });
});

describe('markMainContent falls back to every block main', () => {
  const blocks: TextBlock[] = [
    { kind: 'heading', text: 'Flintlock 2019' },
    { kind: 'paragraph', text: 'Not in the page at all.' },
  ];
  const allMain = blocks.map((b) => ({ ...b, main: true }));

  it('when Readability finds no article or too little of one', () => {
    expect(markMainContent('<html><body><h1>Flintlock 2019</h1><p>Short.</p></body></html>', BASE_URL, blocks, [])).toEqual(allMain);
    expect(markMainContent('', BASE_URL, blocks, [])).toEqual(allMain);
  });

  it('when the ignore selectors drop the article, and on an invalid selector', () => {
    const html = articleHtml(flintlockArticle);
    expect(markMainContent(html, BASE_URL, blocks, ['article'])).toEqual(allMain);
    expect(markMainContent(html, BASE_URL, blocks, ['::not-a-selector(', 'nav'])[1]?.main).toBe(false);
  });

  it('on hostile HTML: garbage markup, deep nesting and too many elements', () => {
    const words = 'Flintlock 2019 '.repeat(40);
    const hostile = [
      `<<<>>><!-- <script>x</p></td></svg><math><mi><table><tr><td><p>${words}`,
      `${'<div>'.repeat(20_000)}<p>${words}</p>`,
      `<html><body><article>${'<span>a</span>'.repeat(70_000)}<p>${words}</p></article></body></html>`,
    ];
    for (const html of hostile) expect(markMainContent(html, BASE_URL, blocks, [])).toEqual(allMain);
  });

  it('for no blocks, an empty list', () => {
    expect(markMainContent(articleHtml(flintlockArticle), BASE_URL, [], [])).toEqual([]);
  });
});
