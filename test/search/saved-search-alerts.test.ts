import { describe, expect, it } from 'vitest';
import { useFixtureRig } from '../helpers/fixture-rig.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import { saveSearch } from '../../src/search/saved-searches.ts';
import { listAlerts, type Alert } from '../../src/db/alerts.ts';
import type { ArticleSpec } from '../../src/demo/fixture-site.ts';
import { insertSource } from '../../src/db/sources.ts';
import { recordListings } from '../../src/db/source-pages.ts';
import { parseNewSource } from '../../src/sources/source-model.ts';

interface SavedSearchItem {
  phrase: string;
  savedSearchId?: number;
  reason?: string;
  context: string;
}

describe('saved searches raise phrase_removed (plain HTTP captures of the fixture site)', () => {
  const rig = useFixtureRig();
  let job = 0;

  /** A page of the fixture site, watched with no phrase of its own unless given; tagged so a search can narrow to it. */
  async function watched(path: string, spec: ArticleSpec, options: { tags?: string[]; phrases?: string[] } = {}) {
    rig.site.article(path, spec);
    const target = await addTarget(rig.ctx, {
      url: rig.site.url(path),
      every: '6h',
      fetcher: 'http',
      tags: options.tags ?? [],
      options: { phrases: options.phrases ?? [] },
    });
    const capture = () => runCapture(rig.ctx, target.id, `saved-${++job}`);
    return {
      id: target.id,
      path,
      capture,
      /** Captures `n` times; the kinds of every alert raised, in order. */
      async kinds(n: number): Promise<string[]> {
        const out: string[] = [];
        for (let i = 0; i < n; i++) out.push(...(await capture()).alerts.map((a) => a.kind));
        return out;
      },
    };
  }

  const keep = (query: string, narrowing: { targetId?: number; tag?: string; sourceId?: number } = {}) =>
    saveSearch(rig.db.pool, {
      query,
      targetId: narrowing.targetId ?? null,
      tag: narrowing.tag ?? null,
      sourceId: narrowing.sourceId ?? null,
      createdBy: 'cli',
      ownerTokenId: null,
    });
  const phraseAlerts = (targetId: number): Promise<Alert[]> => listAlerts(rig.db.pool, { targetId, kind: 'phrase_removed' });
  const itemsOf = (alert: Alert) => alert.evidence.items as SavedSearchItem[];
  /** The main text of each text a page showed, first seen first. */
  const textsOf = async (targetId: number): Promise<string[]> =>
    (
      await rig.db.pool.query<{ main: string }>(
        'select t.main from search_sightings s join search_texts t on t.sha256 = s.text_sha256 where s.target_id = $1 order by s.first_seen_at',
        [targetId],
      )
    ).rows.map((r) => r.main);

  it('a cut paragraph naming him raises one confirmed phrase_removed, mention_gone, with the context it had', async () => {
    const spec = articleFor('/news/saved-cut');
    const page = await watched('/news/saved-cut', spec);
    const { search } = await keep('"Assimi Goïta"', { targetId: page.id });
    expect(await page.kinds(2)).toEqual([]);

    rig.site.article(page.path, withoutPhrase(spec, 'Goita'));
    const first = await page.capture();
    expect(first.alerts).toEqual([]);
    expect(first.lifecycle).toBe('suspect');
    const second = await page.capture();
    const alert = second.alerts.find((a) => a.kind === 'phrase_removed')!;
    expect(alert.severity).toBe('high');
    expect(alert.summary).toBe('watched phrase no longer on the page: saved search "Assimi Goïta"');
    expect(alert.evidence).toMatchObject({ firstWithoutSnapshotId: first.snapshot.id, confirmedBySnapshotId: second.snapshot.id });
    expect(itemsOf(alert)).toEqual([{ phrase: '"Assimi Goïta"', savedSearchId: search.id, reason: 'mention_gone', context: expect.stringMatching(/Col\. Assimi Goita/) }]);
    // Whole words of the text that had him: the excerpt starts and ends where words do.
    const context = itemsOf(alert)[0]!.context;
    const [had] = await textsOf(page.id);
    expect(` ${had!.replace(/\s+/g, ' ')} `).toContain(` ${context} `);

    // The page stays without him: no second alert, however often it is read.
    expect(await page.kinds(3)).toEqual([]);
    expect(await phraseAlerts(page.id)).toHaveLength(1);
  });

  it('a page that comes back with him and loses him again raises a second alert: a new transition', async () => {
    const spec = articleFor('/news/saved-twice');
    const page = await watched('/news/saved-twice', spec);
    await keep('goita', { targetId: page.id });
    await page.capture();
    rig.site.article(page.path, withoutPhrase(spec, 'Goita'));
    expect(await page.kinds(2)).toContain('phrase_removed');
    rig.site.article(page.path, spec);
    expect(await page.kinds(2)).not.toContain('phrase_removed');
    rig.site.article(page.path, withoutPhrase(spec, 'Goita'));
    expect(await page.kinds(3)).toContain('phrase_removed');
    expect(await phraseAlerts(page.id)).toHaveLength(2);
  });

  it('a page that answers 404 raises phrase_removed page_gone beside page_removed', async () => {
    const page = await watched('/news/saved-404', articleFor('/news/saved-404'));
    await keep('"Assimi Goita"', { targetId: page.id });
    await page.capture();
    rig.site.gone(page.path, 404);
    const first = await page.capture();
    expect(first.alerts).toEqual([]);
    const second = await page.capture();
    expect(second.alerts.map((a) => a.kind).sort()).toEqual(['page_removed', 'phrase_removed']);
    const alert = second.alerts.find((a) => a.kind === 'phrase_removed')!;
    expect(itemsOf(alert)).toEqual([expect.objectContaining({ reason: 'page_gone', context: expect.stringMatching(/Goita/) })]);
    expect(await page.kinds(2)).toEqual([]);
    expect(await phraseAlerts(page.id)).toHaveLength(1);
  });

  it('nothing for a page that never matched, whatever else it loses', async () => {
    const spec = withoutPhrase(articleFor('/news/saved-never'), 'Goita');
    const page = await watched('/news/saved-never', spec);
    await keep('"Assimi Goita"', { targetId: page.id });
    // A search the page does match, on the paragraph that goes: the searches were asked, and only it answered.
    await keep('Ouagadougou', { targetId: page.id });
    await page.capture();
    rig.site.article(page.path, { ...spec, paragraphs: spec.paragraphs.slice(1) });
    expect((await page.kinds(2)).sort()).toEqual(['content_removed', 'phrase_removed']);
    rig.site.gone(page.path, 404);
    expect(await page.kinds(2)).toEqual(['page_removed']);
    expect((await phraseAlerts(page.id)).flatMap(itemsOf).map((i) => i.phrase)).toEqual(['Ouagadougou']);
  });

  it('a search narrowed to a tag or a target watches only those pages; one kept with no narrowing watches all', async () => {
    const spec = articleFor('/news/saved-tagged');
    const tagged = await watched('/news/saved-tagged', spec, { tags: ['sahel-desk'] });
    const other = await watched('/news/saved-untagged', articleFor('/news/saved-untagged'), { tags: ['elsewhere'] });
    const named = await watched('/news/saved-named', articleFor('/news/saved-named'));
    await keep('Goita', { tag: 'sahel-desk' });
    await keep('"Col. Assimi"', { targetId: named.id });
    // A word on no page of the other tests: kept with no narrowing, it watches every page and only this one says it.
    const unnarrowed = await watched('/news/saved-everywhere', articleFor('/news/saved-everywhere', { paragraphs: [...spec.paragraphs, 'Kwiriwai ceremony notes follow.'] }));
    await keep('kwiriwai');
    for (const page of [tagged, other, named, unnarrowed]) await page.capture();

    for (const page of [tagged, other, named]) rig.site.article(page.path, withoutPhrase(articleFor(page.path), 'Goita'));
    rig.site.article(unnarrowed.path, articleFor(unnarrowed.path));
    for (const page of [tagged, other, named, unnarrowed]) await page.kinds(2);

    expect((await phraseAlerts(tagged.id)).flatMap(itemsOf).map((i) => i.phrase)).toEqual(['Goita']);
    expect(await phraseAlerts(other.id)).toEqual([]);
    expect((await phraseAlerts(named.id)).flatMap(itemsOf).map((i) => i.phrase)).toEqual(['"Col. Assimi"']);
    expect((await phraseAlerts(unnarrowed.id)).flatMap(itemsOf).map((i) => i.phrase)).toEqual(['kwiriwai']);
  });

  it('a search narrowed to a source watches only the pages that source lists', async () => {
    const listed = await watched('/news/saved-listed', articleFor('/news/saved-listed'));
    const unlisted = await watched('/news/saved-unlisted', articleFor('/news/saved-unlisted'));
    const source = (await insertSource(rig.db.pool, parseNewSource({ url: rig.site.url('/sitemap.xml'), kind: 'sitemap' })))!;
    await recordListings(rig.db.pool, source.id, [{ targetId: listed.id, lastmod: null, archiveTimestamp: null }], new Date());
    await keep('"Mali’s special forces"', { sourceId: source.id });
    for (const page of [listed, unlisted]) await page.capture();
    for (const page of [listed, unlisted]) rig.site.article(page.path, withoutPhrase(articleFor(page.path), 'Goita'));
    for (const page of [listed, unlisted]) await page.kinds(2);
    expect((await phraseAlerts(listed.id)).flatMap(itemsOf).map((i) => i.phrase)).toEqual(['"Mali’s special forces"']);
    expect(await phraseAlerts(unlisted.id)).toEqual([]);
  });

  it('the same query kept twice is one item; a target phrase of the same words is another: one alert, the phrase’s lost mentions and the search’s item', async () => {
    const spec = articleFor('/news/saved-phrase');
    const page = await watched('/news/saved-phrase', spec, { phrases: ['Assimi Goita'], tags: ['phrase-desk'] });
    const { search } = await keep('"Assimi Goita"', { targetId: page.id });
    await keep('"assimi GOÏTA"', { tag: 'phrase-desk' });
    await page.capture();
    rig.site.article(page.path, withoutPhrase(spec, 'Goita'));
    await page.kinds(2);
    const [alert, ...more] = await phraseAlerts(page.id);
    expect(more).toEqual([]);
    expect(alert!.summary).toBe('watched phrases no longer on the page: "Assimi Goita", saved search "Assimi Goita"');
    const items = itemsOf(alert!);
    // The target's phrase lists each mention it lost (the photo's caption and alt text, the paragraph); the search, one item.
    expect(items).toHaveLength(4);
    const mention = (part: string, sentence: string) => ({ phrase: 'Assimi Goita', sentence, part, remaining: 0 });
    const goita = spec.paragraphs.find((p) => p.includes('Goita'))!;
    expect(items).toEqual(
      expect.arrayContaining([
        mention('caption', expect.stringMatching(/^Col\. Assimi Goita, commander of Malian special forces/) as unknown as string),
        mention('main', goita),
        mention('caption', spec.photos[0]!.alt),
        { phrase: '"Assimi Goita"', savedSearchId: search.id, reason: 'mention_gone', context: expect.any(String) },
      ]),
    );
  });

  it('a baseline stored before search existed is indexed on demand', async () => {
    const spec = articleFor('/news/saved-unindexed');
    const page = await watched('/news/saved-unindexed', spec);
    await keep('"Assimi Goita"', { targetId: page.id });
    await page.capture();
    // As a snapshot stored before the index: its text is nowhere in search_texts.
    const { rows } = await rig.db.pool.query<{ sha: Buffer }>(
      'delete from search_texts where sha256 in (select text_sha256 from search_sightings where target_id = $1) returning sha256 as sha',
      [page.id],
    );
    expect(rows).toHaveLength(1);
    rig.site.article(page.path, withoutPhrase(spec, 'Goita'));
    expect(await page.kinds(2)).toContain('phrase_removed');
    const indexed = await rig.db.pool.query('select 1 from search_texts where sha256 = $1', [rows[0]!.sha]);
    expect(indexed.rowCount).toBe(1);
  });
});
