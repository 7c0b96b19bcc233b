import { describe, expect, it } from 'vitest';
import { phraseFindings } from '../../../src/detect/phrase-mentions.ts';
import type { EmbeddedTweet, MediaItem, PageFacts, TextBlock } from '../../../src/page-data/page-facts.ts';
import { realPageFacts } from '../../helpers/real-pages.ts';

const GOITA = 'Col. Assimi Goita, commander of Mali’s special forces, said the exercise allowed his soldiers to rehearse cross-border cooperation.';
const HICKS = 'U.S. Army Maj. Gen. J. Marcus Hicks said African partners lead the exercise.';
const LEAD = 'OUAGADOUGOU, Burkina Faso – Flintlock 2019 opened today with a ceremony in Ouagadougou.';
const CAPTION = 'Col. Assimi Goita speaks with soldiers at the Flintlock 2019 opening ceremony.';
const ALT = 'Col. Assimi Goita at Flintlock 2019';
const PHRASES = ['Assimi Goita'];

const para = (text: string, main?: boolean): TextBlock => ({ kind: 'paragraph', text, ...(main === undefined ? {} : { main }) });
const photo = (caption: string, alt: string): MediaItem => ({ kind: 'image', url: 'https://media.defense.gov/2019/Feb/18/goita.jpg', alt, caption, loaded: true, status: 200 });
const tweet = (text: string): EmbeddedTweet => ({ statusId: '1', author: 'USAfricaCommand', url: 'https://twitter.com/USAfricaCommand/status/1', text, date: null, rendered: false });

function page(blocks: TextBlock[], extra: Partial<PageFacts> = {}): PageFacts {
  return { title: 'Flintlock 2019 begins', canonicalUrl: null, blocks, media: [], links: [], embeds: [], ...extra };
}

/** The article with the Goita paragraph and a photo whose caption (a figcaption block too) and alt name him. */
const withPhoto = (paragraphs: string[]) =>
  page([...paragraphs.map((p) => para(p)), { kind: 'caption', text: CAPTION }], { media: [photo(CAPTION, ALT)] });

const items = (before: PageFacts, after: PageFacts, phrases = PHRASES) =>
  phraseFindings(before, after, phrases).flatMap((f) => [f.item, ...(f.moreItems ?? [])]);

describe('phraseFindings: a mention removed is a phrase removal', () => {
  it('raises for a cut paragraph while the name survives in a caption, with the sentence as written and what remains', () => {
    const findings = phraseFindings(withPhoto([LEAD, GOITA, HICKS]), withPhoto([LEAD, HICKS]), PHRASES);
    expect(findings).toEqual([
      { kind: 'phrase_removed', key: 'phrase_removed:assimi goita', item: { phrase: 'Assimi Goita', sentence: GOITA, part: 'main', remaining: 2 } },
    ]);
  });

  it('counts a figure’s caption once, though it is read as a block and as its photo’s caption', () => {
    // The caption and the alt text go with the photo: two mentions lost, the paragraph's remains.
    const before = withPhoto([LEAD, GOITA]);
    expect(items(before, page([para(LEAD), para(GOITA)]))).toEqual([
      { phrase: 'Assimi Goita', sentence: CAPTION, part: 'caption', remaining: 1 },
      { phrase: 'Assimi Goita', sentence: ALT, part: 'caption', remaining: 1 },
    ]);
  });

  it('is silent when the paragraph moved elsewhere on the page', () => {
    expect(phraseFindings(withPhoto([LEAD, GOITA, HICKS]), withPhoto([GOITA, LEAD, HICKS]), PHRASES)).toEqual([]);
  });

  it('is silent when the mention moved into another paragraph', () => {
    const merged = `${HICKS} Col. Assimi Goita of Mali agreed.`;
    expect(phraseFindings(withPhoto([LEAD, GOITA, HICKS]), withPhoto([LEAD, merged]), PHRASES)).toEqual([]);
  });

  it('is silent when the paragraph was edited and still names him', () => {
    const edited = GOITA.replace('cross-border cooperation', 'the cooperation across borders');
    expect(phraseFindings(withPhoto([LEAD, GOITA, HICKS]), withPhoto([LEAD, edited, HICKS]), PHRASES)).toEqual([]);
  });

  it('reports the paragraph cut, not the one edited, when one of each happened', () => {
    const second = 'Assimi Goita later addressed the troops on the range near Atar, Mauritania.';
    const edited = second.replace('later', 'then');
    expect(items(page([para(GOITA), para(second)]), page([para(edited), para(HICKS)]))).toEqual([
      { phrase: 'Assimi Goita', sentence: GOITA, part: 'main', remaining: 1 },
    ]);
  });

  it('raises with remaining 0 when every mention is gone, listing each: main text, caption, alt text, title, embed', () => {
    const before = page([para(LEAD), para(GOITA)], {
      title: 'Assimi Goita opens Flintlock 2019',
      media: [photo('Assimi Goita on the range.', 'Goita')],
      embeds: [tweet('Welcome Col. Assimi Goita to #Flintlock2019')],
    });
    const after = page([para(LEAD)], { title: 'Flintlock 2019 opens' });
    expect(items(before, after).map((i) => [i.part, i.sentence, i.remaining])).toEqual([
      ['title', 'Assimi Goita opens Flintlock 2019', 0],
      ['main', GOITA, 0],
      ['caption', 'Assimi Goita on the range.', 0],
      ['embed', 'Welcome Col. Assimi Goita to #Flintlock2019', 0],
    ]);
  });

  it('keys one finding per phrase, whatever mentions it lists, so each recheck confirms the same finding', () => {
    const before = withPhoto([LEAD, GOITA, HICKS]);
    const oneCut = phraseFindings(before, withPhoto([LEAD, HICKS]), PHRASES);
    const twoCut = phraseFindings(before, page([para(LEAD), para(HICKS)]), PHRASES);
    expect(oneCut.map((f) => f.key)).toEqual(['phrase_removed:assimi goita']);
    expect(twoCut.map((f) => f.key)).toEqual(['phrase_removed:assimi goita']);
    expect([twoCut[0]!.item, ...(twoCut[0]!.moreItems ?? [])].map((i) => i.part)).toEqual(['main', 'caption', 'caption']);
  });

  it('counts a mention out of the article towards what remains, and reports it lost only when the phrase is gone', () => {
    const related = para('Related: Assimi Goita visits Ouagadougou', false);
    expect(phraseFindings(page([para(GOITA), related]), page([para(GOITA)]), PHRASES)).toEqual([]);
    expect(items(page([para(GOITA), related]), page([para(HICKS)])).map((i) => i.part)).toEqual(['main', 'main']);
    expect(items(page([para(GOITA), related]), page([related]))).toEqual([{ phrase: 'Assimi Goita', sentence: GOITA, part: 'main', remaining: 1 }]);
  });

  it('says nothing of a phrase the baseline never named, or of no phrase at all', () => {
    expect(phraseFindings(page([para(LEAD)]), page([]), PHRASES)).toEqual([]);
    expect(phraseFindings(withPhoto([GOITA]), page([]), [])).toEqual([]);
    expect(phraseFindings(withPhoto([GOITA]), page([]), ['  '])).toEqual([]);
  });
});

describe('phraseFindings on real government pages', () => {
  const url = 'https://www.epa.gov/climate-change/federal-partner-collaboration';
  const before = realPageFacts('truepos-major-changes-a.html', url);
  const after = realPageFacts('truepos-major-changes-b.html', url);

  it('raises for each EPA block naming tribal work that was cut, the word surviving in four others', () => {
    expect(items(before, after, ['tribal']).map((i) => [(i.sentence as string).slice(0, 60), i.part, i.remaining])).toEqual([
      ['The Interagency Council on Climate Preparedness and Resilien', 'main', 4],
      ['The State, Local, and Tribal Leaders Task Force on Climate P', 'main', 4],
      ['The Tribal Environmental General Assistance Program provides', 'main', 4],
    ]);
  });

  it('raises remaining 0 for a council whose heading, paragraph and list items all went', () => {
    const found = items(before, after, ['Climate Preparedness and Resilience']);
    expect(found.map((i) => i.remaining)).toEqual([0, 0, 0, 0]);
    expect(found[1]).toEqual({ phrase: 'Climate Preparedness and Resilience', sentence: 'Interagency Council on Climate Preparedness and Resilience', part: 'main', remaining: 0 });
  });

  it('is silent for a list item EPA reworded that still names the program', () => {
    expect(phraseFindings(before, after, ['Making a Visible Difference'])).toEqual([]);
  });

  it.each(['falsepos-num-views', 'falsepos-small-changes'])('is silent on %s for the opening words of every block', (name) => {
    const a = realPageFacts(`${name}-a.html`, url);
    const b = realPageFacts(`${name}-b.html`, url);
    const phrases = a.blocks.map((block) => block.text.split(' ').slice(0, 3).join(' '));
    expect(phrases.length).toBeGreaterThan(10);
    expect(phraseFindings(a, b, phrases)).toEqual([]);
  });
});
