import { describe, expect, it } from 'vitest';
import { sentenceNaming } from '../../../src/detect/sentence.ts';

const PARAGRAPH =
  'Roughly 2,000 service members train in Burkina Faso. Col. Assimi Goita, commander of Mali’s special forces, said the exercise mattered. U.S. Army Maj. Gen. J. Marcus Hicks agreed.';

describe('sentenceNaming', () => {
  it('gives the sentence naming the phrase as written, keeping titles and initials inside it', () => {
    expect(sentenceNaming(PARAGRAPH, 'assimi goita')).toBe('Col. Assimi Goita, commander of Mali’s special forces, said the exercise mattered.');
    expect(sentenceNaming(PARAGRAPH, 'marcus hicks')).toBe('U.S. Army Maj. Gen. J. Marcus Hicks agreed.');
  });

  it('matches however the page spaced and quoted it, and returns the page’s own casing and quotes', () => {
    expect(sentenceNaming('Intro here.  The  COMMANDER of MALI’S forces spoke.', "mali's forces")).toBe('The COMMANDER of MALI’S forces spoke.');
  });

  it('gives every sentence a phrase spans', () => {
    expect(sentenceNaming('He left Mali. Then he came back.', 'mali. then')).toBe('He left Mali. Then he came back.');
  });

  it('cuts a long sentence around the phrase at word boundaries, marking each cut', () => {
    const long = `${'word '.repeat(100)}Assimi Goita ${'more '.repeat(100)}end.`;
    const cut = sentenceNaming(long, 'assimi goita');
    expect(cut.length).toBeLessThanOrEqual(302);
    expect(cut).toMatch(/^…word word .* Assimi Goita more .* more…$/);
  });

  it('gives the text itself when the phrase is not in it', () => {
    expect(sentenceNaming('A caption.', 'assimi goita')).toBe('A caption.');
  });
});

describe('sentenceNaming on long text', () => {
  it('finds a phrase spanning two sentences among thousands', () => {
    const text = `${'A short one. '.repeat(3000)}He left Mali. Then he came back. ${'Another one. '.repeat(3000)}`;
    expect(sentenceNaming(text, 'mali. then he')).toBe('He left Mali. Then he came back.');
  });
});
