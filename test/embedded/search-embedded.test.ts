import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../src/db/migrate.ts';
import { createPool } from '../../src/db/pool.ts';
import { countSearchRows } from '../../src/db/search-index.ts';
import type { EmbeddedPostgres } from '../../src/embedded/embedded-postgres.ts';
import { INITDB_TIMEOUT_MS, openEmbedded, tempDataDir } from '../helpers/embedded.ts';
import { foundIds, search, searchablePage } from '../helpers/search-pages.ts';

const T1 = '2026-03-01T08:00:00.000Z';
const T2 = '2026-03-02T08:00:00.000Z';
const T3 = '2026-03-03T08:00:00.000Z';

describe('search in the embedded mode (PGlite)', () => {
  let dir: Awaited<ReturnType<typeof tempDataDir>>;
  let embedded: EmbeddedPostgres;
  let pool: pg.Pool;

  beforeAll(async () => {
    dir = await tempDataDir();
    embedded = await openEmbedded(dir.path);
    pool = createPool(embedded.url, { max: 4 });
    await migrate(pool);
  }, INITDB_TIMEOUT_MS);
  afterAll(async () => {
    await pool?.end();
    await embedded?.close();
    await dir?.remove();
  });

  it('has run the search migration, with unaccent installed and folding accents', async () => {
    expect((await migrate(pool)).alreadyApplied).toContain('010_search.sql');
    const { rows } = await pool.query<{ extensions: string[]; folded: string }>(
      `select array(select extname::text from pg_extension order by 1) as extensions,
         to_tsvector('scrubwatch_search', 'Col. Assimi GOÏTA')::text as folded`,
    );
    expect(rows[0]!.extensions).toContain('unaccent');
    expect(rows[0]!.folded).toBe("'assimi':2 'col':1 'goita':3");
  });

  it('finds accents and case both ways, phrases, words and prefixes, as Postgres does', async () => {
    const accented = await searchablePage(pool, '/embedded/accented');
    await accented.capture(T1, { title: 'Bamako', paragraphs: ['Col. Assimi Goïta spoke.'] });
    const plain = await searchablePage(pool, '/embedded/plain');
    await plain.capture(T1, { title: 'Bamako', paragraphs: ['GOITA met Assimi later.'] });
    const both = [accented.target.id, plain.target.id];

    expect(await foundIds(pool, 'Goita')).toEqual(both);
    expect(await foundIds(pool, 'goïta')).toEqual(both);
    expect(await foundIds(pool, '"Assimi Goita"')).toEqual([accented.target.id]);
    expect(await foundIds(pool, 'Assimi Goita')).toEqual(both);
    expect(await foundIds(pool, 'Goi*')).toEqual(both);
    expect(await foundIds(pool, 'Goita -later')).toEqual([accented.target.id]);
    const hit = (await search(pool, 'goita')).items[0]!;
    expect(hit).toMatchObject({ part: 'main' });
    expect(hit.highlights.map((h) => hit.snippet.slice(h.start, h.end))).toEqual(['Goïta']);
    await expect(search(pool, '½ -Goita')).rejects.toMatchObject({ code: 'invalid_input', field: 'query' });
  });

  it('cuts a long text’s snippet around the hit, its words found whole under PGlite’s locale too', async () => {
    const filler = Array.from({ length: 40 }, (_, i) => `Paragraph ${i} says nothing of note about the region today.`);
    const page = await searchablePage(pool, '/embedded/long');
    await page.capture(T1, { paragraphs: ['Kidalois troops paraded.', ...filler, 'Col. Ousmane, Haïdara spoke at Kidal.'] });
    for (const [query, marked] of [['Kidal', ['Kidal']], ['"Ousmane Haidara"', ['Ousmane', 'Haïdara']], ['Haid*', ['Haïdara']]] as const) {
      const hit = (await search(pool, query)).items[0]!;
      expect(hit.highlights.map((h) => hit.snippet.slice(h.start, h.end))).toEqual(marked);
    }
  });

  it('answers each scope: a page removed entirely and a mention cut while the page lives', async () => {
    const mention = { paragraphs: ['Malick Diaw chaired the council.', 'The council met at noon.'] };
    const cut = { paragraphs: ['The council met at noon.'] };
    const stays = await searchablePage(pool, '/embedded/stays');
    await stays.capture(T1, mention);
    await stays.capture(T2, mention);
    const removed = await searchablePage(pool, '/embedded/removed');
    await removed.capture(T1, mention);
    const the404 = await removed.capture(T2, null, { outcome: 'gone' });
    const edited = await searchablePage(pool, '/embedded/edited');
    const lastWith = await edited.capture(T1, mention);
    const without = await edited.capture(T2, cut);
    const rows = await countSearchRows(pool);
    await edited.capture(T3, cut);
    expect(await countSearchRows(pool)).toEqual(rows);

    expect(await foundIds(pool, '"Malick Diaw"', 'now')).toEqual([stays.target.id]);
    expect((await search(pool, '"Malick Diaw"', 'ever')).items.map((h) => [h.targetId, h.firstSeenAt, h.lastSeenAt])).toEqual([
      [stays.target.id, T1, T2], [removed.target.id, T1, T1], [edited.target.id, T1, T1],
    ]);
    const gone = (await search(pool, '"Malick Diaw"', 'gone')).items;
    expect(gone.map((h) => [h.targetId, h.removed, h.lastMatchingSnapshotId, h.firstWithoutSnapshotId])).toEqual([
      [removed.target.id, true, expect.any(Number), the404.snapshot.id],
      [edited.target.id, false, lastWith.snapshot.id, without.snapshot.id],
    ]);
  });
});
