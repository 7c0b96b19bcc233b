import { describe, expect, it } from 'vitest';
import { readSnippet } from '../../../src/search/snippet.ts';
import { MARK_END as E, MARK_START as S } from '../../../src/db/search-pages.ts';

/** The highlighted stretches of a snippet, as text. */
const marked = (s: ReturnType<typeof readSnippet>) => s.highlights.map((h) => s.text.slice(h.start, h.end));

describe('readSnippet: marks into plain text and highlights', () => {
  it('turns each marked word into a highlight over the plain text', () => {
    const s = readSnippet(`Col. ${S}Goïta${E}, commander of ${S}Mali${E}’s special forces`);
    expect(s.text).toBe('Col. Goïta, commander of Mali’s special forces');
    expect(s.highlights).toEqual([{ start: 5, end: 10 }, { start: 25, end: 29 }]);
    expect(marked(s)).toEqual(['Goïta', 'Mali']);
  });

  it('merges the words of a phrase, marked one by one, into one highlight', () => {
    const s = readSnippet(`said Col. ${S}Assimi${E} ${S}Goita${E}, commander`);
    expect(marked(s)).toEqual(['Assimi Goita']);
  });

  it('keeps words apart when text stands between them', () => {
    expect(marked(readSnippet(`${S}Assimi${E} and ${S}Goita${E}`))).toEqual(['Assimi', 'Goita']);
  });

  it('collapses whitespace and line breaks, and trims, keeping offsets right', () => {
    const s = readSnippet(`\n  first paragraph\n\n${S}Goita${E}\tsecond  `);
    expect(s.text).toBe('first paragraph Goita second');
    expect(marked(s)).toEqual(['Goita']);
  });

  it('counts offsets in JavaScript string units past characters outside the BMP', () => {
    const s = readSnippet(`🇲🇱 😀 ${S}Goïta${E}`);
    expect(marked(s)).toEqual(['Goïta']);
    expect(s.highlights[0]!.start).toBe('🇲🇱 😀 '.length);
  });

  it('ignores an empty mark pair and a mark left open or closed alone', () => {
    expect(readSnippet(`a ${S}${E}b`)).toEqual({ text: 'a b', highlights: [] });
    expect(readSnippet(`a ${E}b ${S}c`)).toEqual({ text: 'a b c', highlights: [] });
  });

  it('reads an empty headline as an empty snippet', () => {
    expect(readSnippet('')).toEqual({ text: '', highlights: [] });
  });
});
