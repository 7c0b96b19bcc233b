import { describe, expect, it } from 'vitest';
import { foundIds, search, searchablePage, useSearchDatabase } from '../helpers/search-pages.ts';
import { insertSource } from '../../src/db/sources.ts';
import { recordListings } from '../../src/db/source-pages.ts';

// Each test names people of its own, so the pages another test stores never answer its searches.
const T1 = '2026-03-01T08:00:00.000Z';
const T2 = '2026-03-02T08:00:00.000Z';
const T3 = '2026-03-03T08:00:00.000Z';
const T4 = '2026-03-04T08:00:00.000Z';

describe('search over stored snapshots: what matches', () => {
  const db = useSearchDatabase();

  it('folds accents and case both ways, and shows the page’s own spelling', async () => {
    const accented = await searchablePage(db.pool, '/accents/1');
    await accented.capture(T1, { paragraphs: ['Col. Assimi Goïta, commander of Mali’s special forces, spoke.'] });
    const shouted = await searchablePage(db.pool, '/accents/2');
    await shouted.capture(T1, { paragraphs: ['BREAKING: ASSIMI GOITA SWORN IN'] });
    const plain = await searchablePage(db.pool, '/accents/3');
    await plain.capture(T1, { paragraphs: ['A profile of Assimi Goita.'] });
    const all = [accented.target.id, shouted.target.id, plain.target.id];

    for (const query of ['Goita', 'goïta', 'GOÏTA', '"assimi goita"', '"ASSIMI GOÏTA"']) expect(await foundIds(db.pool, query)).toEqual(all);
    const hits = (await search(db.pool, 'goita')).items;
    const highlighted = hits.map((h) => h.highlights.map((s) => h.snippet.slice(s.start, s.end)));
    expect(highlighted).toEqual([['Goïta'], ['GOITA'], ['Goita']]);
    expect(hits[0]!.snippet).toMatch(/^Col\. Assimi Goïta, commander of Mali’s special forces, spoke/);
    const phrase = (await search(db.pool, '"Assimi Goita"')).items[1]!;
    expect(phrase.highlights.map((s) => phrase.snippet.slice(s.start, s.end))).toEqual(['ASSIMI GOITA']);
  });

  it('finds a quoted phrase only where its words stand together; words anywhere', async () => {
    const together = await searchablePage(db.pool, '/phrase/together');
    await together.capture(T1, { paragraphs: ['Colonel Bakary Sanogo, commander of the guard.'] });
    const apart = await searchablePage(db.pool, '/phrase/apart');
    await apart.capture(T1, { paragraphs: ['Sanogo met the commander.', 'Bakary was not there.'] });
    const punctuated = await searchablePage(db.pool, '/phrase/punctuated');
    await punctuated.capture(T1, { paragraphs: ['Bakary, Sanogo and others.'] });

    expect(await foundIds(db.pool, '"Bakary Sanogo"')).toEqual([together.target.id, punctuated.target.id]);
    expect(await foundIds(db.pool, 'Bakary Sanogo')).toEqual([together.target.id, apart.target.id, punctuated.target.id]);
    expect(await foundIds(db.pool, '"Sanogo Bakary"')).toEqual([]);
  });

  it('reads OR and -word, -"phrase"', async () => {
    const mali = await searchablePage(db.pool, '/or/mali');
    await mali.capture(T1, { paragraphs: ['Kouyate visited Bamako.'] });
    const niger = await searchablePage(db.pool, '/or/niger');
    await niger.capture(T1, { paragraphs: ['Kouyate visited Niamey with the special envoy.'] });
    const neither = await searchablePage(db.pool, '/or/neither');
    await neither.capture(T1, { paragraphs: ['Bamako and Niamey signed a pact.'] });

    expect(await foundIds(db.pool, 'Bamako OR Niamey Kouyate')).toEqual([mali.target.id, niger.target.id]);
    expect(await foundIds(db.pool, 'Bamako OR Niamey')).toEqual([mali.target.id, niger.target.id, neither.target.id]);
    expect(await foundIds(db.pool, 'Kouyate -Niamey')).toEqual([mali.target.id]);
    expect(await foundIds(db.pool, 'Kouyate -"special envoy"')).toEqual([mali.target.id]);
    expect(await foundIds(db.pool, 'Kouyate -envoy OR -Bamako')).toEqual([mali.target.id, niger.target.id]);
  });

  it('matches a prefix for a trailing *, and a whole word otherwise (no stemming)', async () => {
    const page = await searchablePage(db.pool, '/prefix/1');
    await page.capture(T1, { paragraphs: ['Diarrassouba spoke to the Diarrassoubas of Ségou.'] });
    const other = await searchablePage(db.pool, '/prefix/2');
    await other.capture(T1, { paragraphs: ['Diarra spoke.'] });

    expect(await foundIds(db.pool, 'Diarrassou*')).toEqual([page.target.id]);
    expect(await foundIds(db.pool, 'diarra*')).toEqual([page.target.id, other.target.id]);
    expect(await foundIds(db.pool, 'Diarra')).toEqual([other.target.id]);
    expect(await foundIds(db.pool, 'Segou*')).toEqual([page.target.id]);
    expect(await foundIds(db.pool, 'Diarrassoubas')).toEqual([page.target.id]);
  });

  it('cuts a long text’s snippet around the hit, not around a word that only starts like it', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} says nothing of note about the region today.`);
    const page = await searchablePage(db.pool, '/snippet/long');
    await page.capture(T1, {
      paragraphs: ['Kidalois troops paraded.', ...filler, 'The accord with Kidal was signed.', 'Col. Ousmane, Haidara spoke.', ...filler, 'Haïdara left.'],
    });
    const marks = async (query: string) => {
      const hit = (await search(db.pool, query)).items[0]!;
      return hit.highlights.map((h) => hit.snippet.slice(h.start, h.end));
    };
    expect(await marks('Kidal')).toEqual(['Kidal']);
    expect(await marks('"Ousmane Haidara"')).toEqual(['Ousmane', 'Haidara']);
    expect(await marks('Haid*')).toEqual(['Haidara']);
    expect(await marks('Haïdara')).toContain('Haïdara');
    expect(await marks('Kidalois')).toEqual(['Kidalois']);
  });

  it('says which part each hit came from: title, main text, caption (alt text too), embedded tweet', async () => {
    const title = await searchablePage(db.pool, '/part/title');
    await title.capture(T1, { title: 'Traore named envoy', paragraphs: ['The ministry named Traore envoy.'] });
    const main = await searchablePage(db.pool, '/part/main');
    await main.capture(T1, { title: 'A new envoy', paragraphs: ['The ministry named Traore envoy.'] });
    const caption = await searchablePage(db.pool, '/part/caption');
    await caption.capture(T1, { title: 'Photos', paragraphs: ['Pictures from the day.'], photos: [{ caption: 'Traore greets the crowd.' }] });
    const alt = await searchablePage(db.pool, '/part/alt');
    await alt.capture(T1, { title: 'Photos', paragraphs: ['Pictures from the day.'], photos: [{ caption: 'The crowd.', alt: 'Traore waving' }] });
    const embed = await searchablePage(db.pool, '/part/embed');
    await embed.capture(T1, { title: 'Reactions', paragraphs: ['What people said.'], tweets: [{ author: 'envoy_news', text: 'Traore is the new envoy' }] });

    const hits = (await search(db.pool, 'Traore')).items;
    expect(hits.map((h) => [h.targetId, h.part])).toEqual([
      [title.target.id, 'title'], [main.target.id, 'main'], [caption.target.id, 'caption'], [alt.target.id, 'caption'], [embed.target.id, 'embed'],
    ]);
    // Each snippet is cut from the part the hit came from (ts_headline leaves out punctuation at a fragment's ends).
    expect(hits.map((h) => h.snippet)).toEqual([
      'Traore named envoy', 'The ministry named Traore envoy', 'Traore greets the crowd', 'The crowd. Traore waving', 'envoy_news Traore is the new envoy',
    ]);
    expect((await search(db.pool, 'envoy_news')).items.map((h) => h.part)).toEqual(['embed']);
  });

  it('names the first part holding a searched word when the words are spread over parts', async () => {
    const page = await searchablePage(db.pool, '/part/spread');
    await page.capture(T1, { title: 'Tessalit garrison', paragraphs: ['Soldiers trained.'], photos: [{ caption: 'Gamou greets the troops.' }] });
    const [hit] = (await search(db.pool, 'Gamou Tessalit -Niamey')).items;
    expect(hit).toMatchObject({ part: 'title', snippet: 'Tessalit garrison' });
    expect(hit!.highlights).toEqual([{ start: 0, end: 8 }]);
    const phrase = (await search(db.pool, 'Gamou "Soldiers trained"')).items[0]!;
    expect(phrase).toMatchObject({ part: 'main', snippet: expect.stringMatching(/^Soldiers trained/) });
    expect(phrase.highlights).toEqual([{ start: 0, end: 16 }]);
  });
});

describe('search over stored snapshots: the three scopes', () => {
  const db = useSearchDatabase();
  const mention = { title: 'Sahel briefing', paragraphs: ['Col. Malick Diaw spoke at the ceremony.', 'The exercise runs three weeks.'] };
  const cut = { title: 'Sahel briefing', paragraphs: ['The exercise runs three weeks.'] };

  it('now: latest answer matches; ever: first and last seen; gone: a page removed (404) and a mention cut while it lives', async () => {
    const stays = await searchablePage(db.pool, '/scopes/stays');
    const kept = [await stays.capture(T1, mention), await stays.capture(T2, mention), await stays.capture(T3, mention)];
    const removed = await searchablePage(db.pool, '/scopes/removed');
    const before404 = await removed.capture(T1, mention);
    const the404 = await removed.capture(T2, null, { outcome: 'gone' });
    const edited = await searchablePage(db.pool, '/scopes/edited');
    await edited.capture(T1, mention);
    const lastWith = await edited.capture(T2, mention);
    const without = await edited.capture(T3, cut);
    const latest = await edited.capture(T4, cut);
    const never = await searchablePage(db.pool, '/scopes/never');
    await never.capture(T1, cut);

    const now = (await search(db.pool, '"Malick Diaw"', 'now')).items;
    expect(now.map((h) => h.targetId)).toEqual([stays.target.id]);
    expect(now[0]).toMatchObject({ scope: 'now', snapshotId: kept[2]!.snapshot.id, capturedAt: T3, stillThere: true, removed: false, firstWithoutSnapshotId: null });

    const ever = (await search(db.pool, '"Malick Diaw"', 'ever')).items;
    expect(ever.map((h) => [h.targetId, h.firstSeenAt, h.lastSeenAt, h.stillThere])).toEqual([
      [stays.target.id, T1, T3, true],
      [removed.target.id, T1, T1, false],
      [edited.target.id, T1, T2, false],
    ]);
    expect(ever[2]).toMatchObject({ scope: 'ever', snapshotId: lastWith.snapshot.id, lastMatchingSnapshotId: lastWith.snapshot.id, capturedAt: T2 });

    const gone = (await search(db.pool, '"Malick Diaw"', 'gone')).items;
    expect(gone.map((h) => h.targetId)).toEqual([removed.target.id, edited.target.id]);
    expect(gone[0]).toMatchObject({
      scope: 'gone', snapshotId: the404.snapshot.id, capturedAt: T2, stillThere: false, removed: true,
      lastMatchingSnapshotId: before404.snapshot.id, lastSeenAt: T1, firstWithoutSnapshotId: the404.snapshot.id, firstWithoutAt: T2,
    });
    expect(gone[1]).toMatchObject({
      scope: 'gone', snapshotId: latest.snapshot.id, capturedAt: T4, stillThere: false, removed: false,
      lastMatchingSnapshotId: lastWith.snapshot.id, firstWithoutSnapshotId: without.snapshot.id, firstWithoutAt: T3,
    });
    // A gone hit's snippet comes from the last text that said it.
    expect(gone[1]!.snippet).toMatch(/Col\. Malick Diaw spoke at the ceremony/);
  });

  it('never puts a removed page in now, even when its not-found page names the query', async () => {
    const page = await searchablePage(db.pool, '/scopes/removed-naming');
    await page.capture(T1, { paragraphs: ['Sidi Touré opened the session.'] });
    await page.capture(T2, { title: 'Not found', paragraphs: ['Sidi Touré: this page was removed.'] }, { outcome: 'gone' });
    expect(await foundIds(db.pool, 'Toure', 'now')).toEqual([]);
    expect(await foundIds(db.pool, 'Toure', 'gone')).toEqual([page.target.id]);
  });

  it('counts a mention back again as there now, seen first and last across the gap', async () => {
    const page = await searchablePage(db.pool, '/scopes/back');
    await page.capture(T1, { paragraphs: ['Ismael Wague addressed reporters.'] });
    await page.capture(T2, { paragraphs: ['Reporters waited.'] });
    const back = await page.capture(T3, { paragraphs: ['Ismael Wague addressed reporters.'] });
    expect(await foundIds(db.pool, 'Wague', 'gone')).toEqual([]);
    expect((await search(db.pool, 'Wague', 'now')).items[0]).toMatchObject({ snapshotId: back.snapshot.id, stillThere: true });
    expect((await search(db.pool, 'Wague', 'ever')).items[0]).toMatchObject({ firstSeenAt: T1, lastSeenAt: T3 });
  });

  it('leaves the answer as it was through blocked and failed captures, whatever a block page says', async () => {
    const page = await searchablePage(db.pool, '/scopes/blocked');
    const answered = await page.capture(T1, { paragraphs: ['Modibo Koné chaired the meeting.'] });
    await page.capture(T2, { title: 'Access Denied', paragraphs: ['Request blocked. Reference: Kone-firewall-7'] }, { outcome: 'blocked' });
    await page.capture(T3, null, { outcome: 'error' });
    const now = (await search(db.pool, 'Kone', 'now')).items;
    expect(now).toHaveLength(1);
    expect(now[0]).toMatchObject({ snapshotId: answered.snapshot.id, capturedAt: T1, stillThere: true });
    expect(await foundIds(db.pool, 'Kone', 'gone')).toEqual([]);
    expect(await foundIds(db.pool, 'firewall', 'ever')).toEqual([]);

    const removed = await searchablePage(db.pool, '/scopes/blocked-after-404');
    await removed.capture(T1, { paragraphs: ['Modibo Koné left office.'] });
    await removed.capture(T2, null, { outcome: 'gone' });
    await removed.capture(T3, null, { outcome: 'blocked' });
    expect((await search(db.pool, 'Kone', 'gone')).items.map((h) => [h.targetId, h.removed])).toEqual([[removed.target.id, true]]);
  });
});

describe('search over stored snapshots: narrowing and pages', () => {
  const db = useSearchDatabase();
  const text = { paragraphs: ['Abdoulaye Maiga presented the plan.'] };

  it('narrows to one target, a tag, a source, and since a date', async () => {
    const a = await searchablePage(db.pool, '/narrow/a', { tags: ['mali', 'army'] });
    await a.capture(T1, text);
    const b = await searchablePage(db.pool, '/narrow/b', { tags: ['mali'] });
    await b.capture(T3, text);
    const c = await searchablePage(db.pool, '/narrow/c');
    await c.capture(T1, text);
    await c.capture(T2, { paragraphs: ['The plan was shelved.'] });
    const source = await insertSource(db.pool, {
      kind: 'sitemap', url: 'https://news.example/sitemap.xml', name: null, include: [], exclude: [], every: '1d', targetsEvery: '6h', tags: [],
      phrases: [], maxTargets: 1000, since: null, onlyMatching: false, complete: true, ignoreRobots: false, nextSelector: null, pages: 1,
    });
    await recordListings(db.pool, source!.id, [b, c].map((p) => ({ targetId: p.target.id, lastmod: null, archiveTimestamp: null })), new Date(T1));

    expect(await foundIds(db.pool, 'Maiga', 'ever')).toEqual([a.target.id, b.target.id, c.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'ever', { targetId: b.target.id })).toEqual([b.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'ever', { tag: 'mali' })).toEqual([a.target.id, b.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'ever', { tag: 'army' })).toEqual([a.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'ever', { sourceId: source!.id })).toEqual([b.target.id, c.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'now', { sourceId: source!.id })).toEqual([b.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'gone', { sourceId: source!.id, tag: 'mali' })).toEqual([]);
    // now: captured since; ever and gone: last seen matching since.
    expect(await foundIds(db.pool, 'Maiga', 'now', { since: new Date(T2) })).toEqual([b.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'ever', { since: new Date(T2) })).toEqual([b.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'gone', { since: new Date(T1) })).toEqual([c.target.id]);
    expect(await foundIds(db.pool, 'Maiga', 'gone', { since: new Date(T2) })).toEqual([]);
  });

  it('pages through hits with a cursor, in target order, each once', async () => {
    const pages = [];
    for (let i = 0; i < 5; i++) {
      const page = await searchablePage(db.pool, `/paging/${i}`);
      await page.capture(T1, { paragraphs: [`Fatoumata Sangare, item ${i}.`] });
      pages.push(page.target.id);
    }
    const seen: number[][] = [];
    let cursor: number | undefined;
    for (;;) {
      const page = await search(db.pool, 'Sangare', 'now', { limit: 2, cursor });
      seen.push(page.items.map((h) => h.targetId));
      if (page.next === null) break;
      expect(page.next).toBe(page.items[page.items.length - 1]!.targetId);
      cursor = page.next;
    }
    expect(seen).toEqual([pages.slice(0, 2), pages.slice(2, 4), pages.slice(4)]);
    const exact = await search(db.pool, 'Sangare', 'now', { limit: 5 });
    expect(exact).toMatchObject({ next: null });
    expect(exact.items).toHaveLength(5);
  });
});

describe('search over stored snapshots: hostile queries', () => {
  const db = useSearchDatabase();

  it('answers SQL, tsquery syntax and quotes as text, matching only pages that say them', async () => {
    const page = await searchablePage(db.pool, '/hostile/sql');
    await page.capture(T1, { paragraphs: ["The note read: '; drop table targets; -- and O'Brien signed it."] });
    expect(await foundIds(db.pool, "'; drop table targets; --")).toEqual([page.target.id]);
    expect(await foundIds(db.pool, "O'Brien")).toEqual([page.target.id]);
    // Read as tsquery syntax this would exclude the page; read as text it is the words drop and targets.
    expect(await foundIds(db.pool, 'drop:* & !(targets | <->)')).toEqual([page.target.id]);
    const { rows } = await db.pool.query<{ n: number }>('select count(*)::int as n from targets');
    expect(rows[0]!.n).toBe(1);
  });

  it.each([
    ['empty', '', /empty/],
    ['10,000 characters', 'Goita '.repeat(2_000).slice(0, 10_000), /10000 characters long; at most 500/],
    ['only operators', 'OR -- * ""', /only operators/],
    ['unbalanced quotes', '"Assimi Goita', /not closed/],
    ['only symbols Postgres keeps no word of', '½ ²', /no words the index keeps/],
    ['symbols and an exclusion: nothing left to look up', '½ -Goita', /no words the index keeps/],
  ])('refuses %s with InvalidInputError on field query', async (_, query, message) => {
    await expect(search(db.pool, query)).rejects.toMatchObject({ code: 'invalid_input', field: 'query', message: expect.stringMatching(message) });
  });
});
