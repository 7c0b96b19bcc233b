import { describe, expect, it } from 'vitest';
import { isEmptyDocument, SEARCH_PART_MAX_BYTES, searchDocument, searchDocumentSha } from '../../../src/search/search-document.ts';
import { searchTextSha } from '../../../src/search/index-snapshot.ts';
import type { PageFacts } from '../../../src/page-data/page-facts.ts';

function facts(over: Partial<PageFacts> = {}): PageFacts {
  return {
    title: 'Flintlock 2019 begins',
    canonicalUrl: null,
    blocks: [
      { kind: 'heading', text: 'Flintlock 2019 begins' },
      { kind: 'paragraph', text: 'Col. Assimi Goïta, commander of Mali’s special forces, spoke.' },
      { kind: 'caption', text: 'Col. Assimi Goita speaks with soldiers.' },
      { kind: 'list-item', text: 'Related: Flintlock 2018' },
    ],
    media: [
      { kind: 'image', url: 'https://example.org/a.png', alt: 'Goita with soldiers', caption: 'Col. Assimi Goita speaks with soldiers.', loaded: true, status: 200 },
      { kind: 'image', url: 'https://example.org/b.png', alt: null, caption: 'A range near Atar', loaded: true, status: 200 },
    ],
    links: [{ url: 'https://example.org/elsewhere', text: 'Links are not searched' }],
    embeds: [
      { statusId: '1', author: 'USAfricaCommand', url: 'https://twitter.com/x/status/1', text: 'Flintlock kicks off', date: null, rendered: false },
      { statusId: '2', author: null, url: 'https://twitter.com/i/status/2', text: 'A tweet with no handle', date: null, rendered: true },
    ],
    ...over,
  };
}

const bytes = (text: string) => Buffer.byteLength(text, 'utf8');

describe('searchDocument: the parts of a page that are searched', () => {
  it('reads the title, main text, captions with alt text, and embedded tweets, each in page order', () => {
    expect(searchDocument(facts())).toEqual({
      title: 'Flintlock 2019 begins',
      main: 'Flintlock 2019 begins\nCol. Assimi Goïta, commander of Mali’s special forces, spoke.\nRelated: Flintlock 2018',
      // A caption read both as a block and as its photo's caption is there once.
      captions: 'Col. Assimi Goita speaks with soldiers.\nGoita with soldiers\nA range near Atar',
      embeds: '@USAfricaCommand Flintlock kicks off\nA tweet with no handle',
    });
  });

  it('leaves links out, and empty or blank pieces', () => {
    const doc = searchDocument(facts({ blocks: [{ kind: 'paragraph', text: '   ' }, { kind: 'paragraph', text: 'Only this' }] }));
    expect(doc.main).toBe('Only this');
    expect(Object.values(doc).join('\n')).not.toMatch(/Links are not searched/);
  });

  it('strips the snippet marks from every part, so a page cannot forge a highlight', () => {
    const doc = searchDocument(facts({ title: '\uE000Goita\uE001', blocks: [{ kind: 'paragraph', text: 'a\uE001b\uE000c' }], embeds: [], media: [] }));
    expect(doc).toMatchObject({ title: 'Goita', main: 'abc', captions: '', embeds: '' });
  });

  it('is empty for a page of no text, and such a page has no SHA to index under', () => {
    const blank = facts({ title: null, blocks: [], media: [], embeds: [] });
    expect(isEmptyDocument(searchDocument(blank))).toBe(true);
    expect(searchTextSha(blank)).toBeNull();
    expect(searchTextSha(null)).toBeNull();
    expect(isEmptyDocument(searchDocument(facts({ title: null, blocks: [], embeds: [] })))).toBe(false);
  });
});

describe('searchDocument: byte budgets', () => {
  it('keeps every part whole within its budget', () => {
    const main = 'é'.repeat(SEARCH_PART_MAX_BYTES.main / 2);
    expect(searchDocument(facts({ blocks: [{ kind: 'paragraph', text: main }] })).main).toBe(main);
  });

  it.each([
    ['two-byte', 'é'],
    ['three-byte', '€'],
    ['four-byte (a surrogate pair)', '😀'],
  ])('cuts a long main text at its budget, never through a %s character', (_, char) => {
    // One ASCII letter first, so the budget falls inside a character.
    const main = `a${char.repeat(SEARCH_PART_MAX_BYTES.main)}`;
    const cut = searchDocument(facts({ blocks: [{ kind: 'paragraph', text: main }] })).main;
    expect(bytes(cut)).toBeLessThanOrEqual(SEARCH_PART_MAX_BYTES.main);
    expect(bytes(cut)).toBeGreaterThan(SEARCH_PART_MAX_BYTES.main - 4);
    expect(main.startsWith(cut)).toBe(true);
    expect(cut).not.toMatch(/\uFFFD/);
    expect(cut.endsWith(char)).toBe(true);
  });

  it('budgets each part on its own', () => {
    const long = 'x'.repeat(200_000);
    const doc = searchDocument(facts({
      title: long,
      blocks: [{ kind: 'paragraph', text: long }],
      media: [{ kind: 'image', url: 'u', alt: long, caption: null, loaded: null, status: null }],
      embeds: [{ statusId: '1', author: null, url: 'u', text: long, date: null, rendered: false }],
    }));
    expect({ title: bytes(doc.title), main: bytes(doc.main), caption: bytes(doc.captions), embed: bytes(doc.embeds) }).toEqual(SEARCH_PART_MAX_BYTES);
  });
});

describe('searchDocumentSha: a document named by its parts', () => {
  it('gives the same SHA-256 for the same facts, read again', () => {
    const a = searchDocumentSha(searchDocument(facts()));
    expect(a).toHaveLength(32);
    expect(searchDocumentSha(searchDocument(structuredClone(facts())))).toEqual(a);
    // Links and media URLs are not searched: changing them leaves the document as it was.
    expect(searchDocumentSha(searchDocument(facts({ links: [] })))).toEqual(a);
  });

  it('tells documents apart whose parts differ but run together the same', () => {
    const shas = [
      { title: 'ab', main: '', captions: '', embeds: '' },
      { title: 'a', main: 'b', captions: '', embeds: '' },
      { title: '', main: 'ab', captions: '', embeds: '' },
      { title: '', main: '', captions: 'ab', embeds: '' },
      { title: '', main: '', captions: '', embeds: 'ab' },
      { title: '1:a', main: '', captions: '', embeds: '' },
    ].map((doc) => searchDocumentSha(doc).toString('hex'));
    expect(new Set(shas).size).toBe(shas.length);
  });

  it('changes with one changed word', () => {
    const cut = facts({ blocks: facts().blocks.filter((b) => !b.text.includes('Goïta')) });
    expect(searchDocumentSha(searchDocument(cut))).not.toEqual(searchDocumentSha(searchDocument(facts())));
  });
});
