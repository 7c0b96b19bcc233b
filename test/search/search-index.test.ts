import { describe, expect, it } from 'vitest';
import { foundIds, pageFacts, search, searchablePage, useSearchDatabase, type PageText } from '../helpers/search-pages.ts';
import { countSearchRows } from '../../src/db/search-index.ts';
import { indexSnapshot, searchTextSha } from '../../src/search/index-snapshot.ts';
import { SEARCH_PART_MAX_BYTES } from '../../src/search/search-document.ts';

const T1 = '2026-03-01T08:00:00.000Z';
const T2 = '2026-03-02T08:00:00.000Z';
const T3 = '2026-03-03T08:00:00.000Z';

/** `count` distinct words, as short as they come (a … z, aa … zz, aaa …), each with a marker so no test shares one. */
function distinctWords(count: number, marker: string): string[] {
  const words: string[] = [];
  for (let n = 0; words.length < count; n++) {
    let word = '';
    for (let i = n + 1; i > 0; i = Math.floor((i - 1) / 26)) word = String.fromCharCode(97 + ((i - 1) % 26)) + word;
    words.push(`${marker}${word}`);
  }
  return words;
}

describe('the search index: one row per distinct text', () => {
  const db = useSearchDatabase();

  it('adds no rows for a page re-captured unchanged, and one text and sighting for a change', async () => {
    const page = await searchablePage(db.pool, '/index/unchanged');
    const text: PageText = { title: 'Bamako', paragraphs: ['Oumar Tatam Ly resigned.'] };
    await page.capture(T1, text);
    const once = await countSearchRows(db.pool);
    for (let hour = 1; hour <= 5; hour++) await page.capture(new Date(Date.parse(T1) + hour * 3_600_000).toISOString(), text);
    expect(await countSearchRows(db.pool)).toEqual(once);
    await page.capture(T3, { ...text, paragraphs: ['Oumar Tatam Ly resigned on Tuesday.'] });
    expect(await countSearchRows(db.pool)).toEqual({ texts: once.texts + 1, sightings: once.sightings + 1, pages: once.pages });
    expect((await search(db.pool, 'Tatam', 'ever')).items[0]).toMatchObject({ firstSeenAt: T1, lastSeenAt: T3 });
  });

  it('keeps one text shown by two pages once, with a sighting for each', async () => {
    const before = await countSearchRows(db.pool);
    const text: PageText = { title: 'Shared', paragraphs: ['Soumeylou Boubeye Maiga was named.'] };
    const a = await searchablePage(db.pool, '/index/shared-a');
    const b = await searchablePage(db.pool, '/index/shared-b');
    await a.capture(T1, text);
    await b.capture(T2, text);
    const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from search_texts where sha256 = $1', [searchTextSha(pageFacts(text))]);
    expect(rows[0]!.n).toBe(1);
    expect(await countSearchRows(db.pool)).toEqual({ texts: before.texts + 1, sightings: before.sightings + 2, pages: before.pages + 2 });
    expect(await foundIds(db.pool, 'Boubeye')).toEqual([a.target.id, b.target.id]);
  });

  it('indexes a stored snapshot again without a change (what reindex relies on)', async () => {
    const page = await searchablePage(db.pool, '/index/again');
    const text: PageText = { paragraphs: ['Cheick Modibo Diarra spoke.'] };
    const saved = await page.capture(T1, text);
    const rows = await countSearchRows(db.pool);
    const hits = await search(db.pool, 'Cheick', 'ever');
    expect(await indexSnapshot(db.pool, saved.snapshot, pageFacts(text))).toEqual(searchTextSha(pageFacts(text)));
    expect(await countSearchRows(db.pool)).toEqual(rows);
    expect(await search(db.pool, 'Cheick', 'ever')).toEqual(hits);
  });

  it('never lets a capture saved late override the newer latest answer', async () => {
    const page = await searchablePage(db.pool, '/index/late');
    const newer = await page.capture(T3, { paragraphs: ['Choguel Maiga took office.'] });
    const late = await page.capture(T1, { paragraphs: ['Moctar Ouane took office.'] });
    expect(late.late).toBe(true);
    expect((await search(db.pool, 'Choguel', 'now')).items[0]).toMatchObject({ snapshotId: newer.snapshot.id, capturedAt: T3 });
    expect(await foundIds(db.pool, 'Ouane', 'now')).toEqual([]);
    // The older text was still seen, when it was: ever finds it, and gone says where it went.
    expect((await search(db.pool, 'Ouane', 'ever')).items[0]).toMatchObject({ firstSeenAt: T1, lastSeenAt: T1, snapshotId: late.snapshot.id });
    expect((await search(db.pool, 'Ouane', 'gone')).items[0]).toMatchObject({ snapshotId: newer.snapshot.id, firstWithoutSnapshotId: newer.snapshot.id });
  });

  it('counts an archived copy (the Wayback Machine’s) at when it was archived, not when it was read', async () => {
    const page = await searchablePage(db.pool, '/index/archived');
    const archived = await page.capture(T1, { paragraphs: ['Dioncounda Traore addressed the nation.'] }, { archivedAt: '2019-02-18T12:00:00.000Z' });
    expect(archived.snapshot.origin).toBe('archive');
    await page.capture(T2, { paragraphs: ['Dioncounda Traore addressed the nation.'] });
    expect((await search(db.pool, 'Dioncounda', 'ever')).items[0]).toMatchObject({ firstSeenAt: '2019-02-18T12:00:00.000Z', lastSeenAt: T2 });

    const cut = await searchablePage(db.pool, '/index/archived-cut');
    await cut.capture(T1, { paragraphs: ['Ibrahim Boubacar Keita addressed the nation.'] }, { archivedAt: '2018-06-01T00:00:00.000Z' });
    const live = await cut.capture(T2, { paragraphs: ['The nation was addressed.'] });
    expect((await search(db.pool, 'Keita', 'gone')).items[0]).toMatchObject({
      targetId: cut.target.id, lastSeenAt: '2018-06-01T00:00:00.000Z', snapshotId: live.snapshot.id, stillThere: false,
    });
  });
});

describe('the search index: huge and hostile text', () => {
  const db = useSearchDatabase();

  /** The document indexed for the page's latest answer: its main text's bytes, its lexemes, its stored size. */
  async function indexedDocument(targetId: number) {
    const { rows } = await db.pool.query<{ main: number; lexemes: number; bytes: number }>(
      `select octet_length(t.main) as main, length(t.document) as lexemes, pg_column_size(t.document) as bytes
       from search_texts t join search_latest l on l.text_sha256 = t.sha256 where l.target_id = $1`,
      [targetId],
    );
    return rows[0]!;
  }

  it('indexes a 5 MB main text within its budget: the start is searchable, what lies past the budget is not', async () => {
    const page = await searchablePage(db.pool, '/huge/five-mb');
    // A page keeps 5,000 blocks of 20,000 characters at most (src/extract/caps.ts): 5 MB is 5,000 blocks of 1,000.
    const block = 'The ministry published this notice for residents of the district and it stays online for all. '.repeat(11).slice(0, 1_000);
    const paragraphs = ['Mahamadou Issoufou opened it.', ...Array.from({ length: 4_998 }, () => block), 'Zanzibarian closing words.'];
    expect(paragraphs.join('').length).toBeGreaterThan(4_990_000);
    await page.capture(T1, { title: 'Notice', paragraphs });
    expect(await foundIds(db.pool, '"Mahamadou Issoufou"')).toEqual([page.target.id]);
    expect(await foundIds(db.pool, 'Zanzibarian')).toEqual([]);
    const doc = await indexedDocument(page.target.id);
    expect(doc.main).toBeLessThanOrEqual(SEARCH_PART_MAX_BYTES.main);
    expect(doc.main).toBeGreaterThan(SEARCH_PART_MAX_BYTES.main - 1_000);
  });

  it('indexes 100,000 distinct words across every part, the tsvector under its 1 MB limit', async () => {
    const page = await searchablePage(db.pool, '/huge/distinct');
    const words = distinctWords(100_000, 'q');
    const parts = { title: words.slice(0, 150), main: words.slice(150, 60_000), caption: words.slice(60_000, 80_000), embed: words.slice(80_000) };
    await page.capture(T1, {
      title: parts.title.join(' '),
      paragraphs: pieces(parts.main, 19_000),
      photos: pieces(parts.caption, 1_900).map((caption) => ({ caption })),
      tweets: pieces(parts.embed, 1_900).map((text) => ({ text })),
    });
    const doc = await indexedDocument(page.target.id);
    expect(doc.bytes).toBeLessThan(1024 * 1024);
    expect(doc.lexemes).toBeGreaterThan(30_000);
    // Each part's first word is found in its part; the last words of the main text and captions lie past their budgets.
    const found = await Promise.all(Object.values(parts).map(async (list) => (await search(db.pool, list[0]!)).items.map((h) => h.part)));
    expect(found).toEqual([['title'], ['main'], ['caption'], ['embed']]);
    expect(await foundIds(db.pool, parts.main.at(-1)!)).toEqual([]);
    expect(await foundIds(db.pool, parts.caption.at(-1)!)).toEqual([]);
  });

  it('finds words past the 16,383rd of a text, but not as a phrase (Postgres counts positions no further)', async () => {
    const page = await searchablePage(db.pool, '/huge/positions');
    const paragraphs = Array.from({ length: 17 }, () => 'notice '.repeat(1_000).trim());
    await page.capture(T1, { paragraphs: [...paragraphs, 'Salif Keita sang.'] });
    expect(await foundIds(db.pool, 'Salif Keita')).toEqual([page.target.id]);
    expect(await foundIds(db.pool, '"Salif Keita"')).toEqual([]);
  });
});

/** Words joined by spaces into pieces of at most `max` characters. */
function pieces(words: string[], max: number): string[] {
  const out: string[] = [];
  let piece = '';
  for (const word of words) {
    if (piece.length + word.length + 1 > max) {
      out.push(piece);
      piece = '';
    }
    piece = piece === '' ? word : `${piece} ${word}`;
  }
  if (piece !== '') out.push(piece);
  return out;
}
