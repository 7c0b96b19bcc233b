import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.ts';
import { articleFor, withoutPhrase } from '../helpers/watch.ts';
import { listPages } from '../helpers/source-pages.ts';
import { TEN_THOUSAND, UNSTORABLE, VERBATIM, tableNames } from '../helpers/hostile-strings.ts';
import { startFixtureSite, type FixtureSite } from '../../src/demo/fixture-site.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import { runCapture } from '../../src/watch/capture-target.ts';
import type { Role } from '../../src/db/api-tokens.ts';
import { PAGE_BUDGET_BYTES } from '../../src/http/routes/api/schemas.ts';

interface Hit {
  targetId: number;
  url: string;
  scope: string;
  snapshotId: number;
  lastMatchingSnapshotId: number;
  firstWithoutSnapshotId: number | null;
  stillThere: boolean;
  removed: boolean;
  part: string;
  snippet: string;
  highlights: { start: number; end: number }[];
}
interface Page {
  items: Hit[];
  next: number | null;
}

/** The `--json` item of `scrubwatch search`, as issue 19 fixes it. */
const CONTRACT_KEYS = ['targetId', 'url', 'name', 'scope', 'snapshotId', 'capturedAt', 'firstSeenAt', 'lastSeenAt', 'lastMatchingSnapshotId', 'stillThere', 'snippet'];

describe('GET /api/search over pages captured from the fixture site', () => {
  const rig = useTestServer();
  let site: FixtureSite;
  let job = 0;
  /** kept: still names him; cut: the paragraph naming him was cut; removed: the page is a 404 now; never: never named him. */
  const ids = { kept: 0, cut: 0, removed: 0, never: 0 };

  const search = async (query: Record<string, string>, role: Role = 'researcher') =>
    rig.server.app.inject({ method: 'GET', url: `/api/search?${new URLSearchParams(query).toString()}`, headers: rig.server.as(role) });
  const found = async (query: Record<string, string>): Promise<Page> => {
    const res = await search(query);
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as Page;
  };
  const targetsOf = (page: Page) => page.items.map((i) => i.targetId);

  async function watched(path: string, tags: string[], cutFirst = false): Promise<{ id: number; capture: () => Promise<unknown> }> {
    const spec = articleFor(path);
    site.article(path, cutFirst ? withoutPhrase(spec, 'Goita') : spec);
    const target = await addTarget(rig.server.ctx, { url: site.url(path), every: '6h', fetcher: 'http', tags });
    const capture = () => runCapture(rig.server.ctx, target.id, `search-api-${++job}`);
    await capture();
    return { id: target.id, capture };
  }

  beforeAll(async () => {
    site = await startFixtureSite();
    const kept = await watched('/news/kept', ['mali']);
    const cut = await watched('/news/cut', ['mali']);
    const removed = await watched('/news/removed', ['sahel']);
    const never = await watched('/news/never', ['mali'], true);
    site.article('/news/cut', withoutPhrase(articleFor('/news/cut'), 'Goita'));
    await cut.capture();
    site.gone('/news/removed', 404);
    await removed.capture();
    Object.assign(ids, { kept: kept.id, cut: cut.id, removed: removed.id, never: never.id });
  });
  afterAll(async () => {
    await site?.close();
  });

  it('each scope: now holds the page that still names him, ever every page that did, gone the cut and the removed one', async () => {
    const now = await found({ q: '"Assimi Goïta"' });
    expect(targetsOf(now)).toEqual([ids.kept]);
    expect(now.next).toBeNull();
    const hit = now.items[0]!;
    for (const key of CONTRACT_KEYS) expect(hit).toHaveProperty(key);
    expect(hit).toMatchObject({ scope: 'now', stillThere: true, removed: false, url: site.url('/news/kept') });
    const marked = hit.highlights.map((h) => hit.snippet.slice(h.start, h.end));
    expect(marked.some((m) => /Assimi Go[iï]ta/.test(m)), JSON.stringify(hit)).toBe(true);

    expect(targetsOf(await found({ q: 'assimi goita', scope: 'ever' }))).toEqual([ids.kept, ids.cut, ids.removed]);

    const gone = await found({ q: '"Assimi Goita"', scope: 'gone' });
    expect(targetsOf(gone)).toEqual([ids.cut, ids.removed]);
    const [cut, removed] = gone.items;
    expect(cut).toMatchObject({ scope: 'gone', stillThere: false, removed: false });
    expect(cut!.firstWithoutSnapshotId).toBe(cut!.snapshotId);
    expect(cut!.lastMatchingSnapshotId).toBeLessThan(cut!.snapshotId);
    expect(removed).toMatchObject({ scope: 'gone', stillThere: false, removed: true });
  });

  it('narrows by target, tag, source and since', async () => {
    expect(targetsOf(await found({ q: 'goita', scope: 'ever', target: String(ids.cut) }))).toEqual([ids.cut]);
    expect(targetsOf(await found({ q: 'goita', scope: 'ever', tag: 'sahel' }))).toEqual([ids.removed]);
    expect(targetsOf(await found({ q: 'goita', scope: 'ever', tag: 'nowhere' }))).toEqual([]);

    const made = await rig.server.app.inject({ method: 'POST', url: '/api/sources', headers: rig.server.as('admin'), payload: { url: site.url('/sitemap.xml'), kind: 'sitemap' } });
    expect(made.statusCode, made.body).toBe(201);
    const sourceId = (made.json() as { id: number }).id;
    await listPages(rig.server.ctx.pool, sourceId, [{ url: site.url('/news/removed') }, { url: site.url('/news/kept') }]);
    expect(targetsOf(await found({ q: 'goita', scope: 'ever', source: String(sourceId) }))).toEqual([ids.kept, ids.removed]);

    expect(targetsOf(await found({ q: 'goita', scope: 'ever', since: '2000-01-01' }))).toEqual([ids.kept, ids.cut, ids.removed]);
    expect(targetsOf(await found({ q: 'goita', scope: 'ever', since: '2999-01-01T00:00:00Z' }))).toEqual([]);
    expect(targetsOf(await found({ q: 'goita', scope: 'now', since: '2000-01-01T09:30' }))).toEqual([ids.kept]);
  });

  it('pages with limit and cursor until next is null, each page once', async () => {
    const seen: number[] = [];
    let cursor: number | null = null;
    for (let pages = 0; pages < 10; pages++) {
      const page: Page = await found({ q: 'goita', scope: 'ever', limit: '1', ...(cursor === null ? {} : { cursor: String(cursor) }) });
      expect(page.items.length).toBeLessThanOrEqual(1);
      seen.push(...targetsOf(page));
      cursor = page.next;
      if (cursor === null) break;
      expect(cursor).toBe(page.items[0]!.targetId);
    }
    expect(seen).toEqual([ids.kept, ids.cut, ids.removed]);
  });

  it.each([
    ['empty', ''],
    ['only spaces', '   '],
    ['10,000 characters', TEN_THOUSAND],
    ['only operators', 'OR - * "" OR'],
    ['only exclusions', '-goita -"Assimi Goita"'],
    ['an unbalanced quote', '"Assimi Goita'],
    ['SQL that is only punctuation', "' OR '' = '"],
    ['SQL with an open quote', 'Robert"); DROP TABLE subscriptions; --'],
    ['a NUL', UNSTORABLE[0]!],
  ])('a hostile q (%s) is a 400 naming q and saying what to do', async (_what, q) => {
    const res = await search({ q });
    expect(res.statusCode, res.body).toBe(400);
    const body = res.json() as { error: string; field: string; message: string };
    expect(body).toMatchObject({ error: 'invalid_input', field: 'q' });
    expect(body.message).toMatch(/^q: .{10,}/);
  });

  it('no q at all is a 400 naming q', async () => {
    const res = await rig.server.app.inject({ method: 'GET', url: '/api/search', headers: rig.server.as('reviewer') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field: 'q' });
  });

  it('SQL in q is searched for as words, never run: no 500, every table still there', async () => {
    const before = await tableNames(rig.server.ctx.pool);
    for (const q of VERBATIM) {
      const res = await search({ q, scope: 'ever' });
      expect([200, 400], `${q}: ${res.body}`).toContain(res.statusCode);
      if (res.statusCode === 200) expect((res.json() as Page).items).toEqual([]);
      else expect(res.json()).toMatchObject({ field: 'q' });
    }
    expect(await tableNames(rig.server.ctx.pool)).toEqual(before);
  });

  it.each([
    ['scope', { scope: 'later' }],
    ['limit', { limit: '0' }],
    ['limit', { limit: '201' }],
    ['cursor', { cursor: 'abc' }],
    ['target', { target: '-1' }],
    ['source', { source: 'one' }],
    ['tag', { tag: 't'.repeat(65) }],
    ['since', { since: 'last tuesday' }],
    // JavaScript's Date reads "1" as the year 2001: not a date anyone means.
    ['since', { since: '1' }],
  ])('a bad %s is a 400 naming it', async (field, params) => {
    const res = await search({ q: 'goita', ...params });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('every role searches; no token is a 401', async () => {
    for (const role of ['researcher', 'reviewer', 'operator', 'admin'] as const) {
      const res = await search({ q: 'goita', scope: 'ever' }, role);
      expect(res.statusCode, role).toBe(200);
      expect(targetsOf(res.json() as Page)).toEqual([ids.kept, ids.cut, ids.removed]);
    }
    expect((await rig.server.app.inject({ method: 'GET', url: '/api/search?q=goita' })).statusCode).toBe(401);
  });

  // Last: it leaves the targets' names huge.
  it('a page stops at the byte budget like every list, and next picks up where it stopped', async () => {
    // Two names of 600 KiB each: both together pass the 1 MiB budget, either alone does not.
    await rig.server.ctx.pool.query(`update targets set name = repeat('n', $2) where id = any($1::bigint[])`, [[ids.kept, ids.cut], 600 * 1024]);
    const first = await found({ q: 'goita', scope: 'ever', limit: '3' });
    expect(targetsOf(first)).toEqual([ids.kept]);
    expect(first.next).toBe(ids.kept);
    expect(JSON.stringify(first).length).toBeLessThan(PAGE_BUDGET_BYTES);
    const rest = await found({ q: 'goita', scope: 'ever', limit: '3', cursor: String(first.next) });
    expect(targetsOf(rest)).toEqual([ids.cut, ids.removed]);
    expect(rest.next).toBeNull();
  });

  it('the OpenAPI document lists search and saved searches, with their parameters and response schemas', async () => {
    const doc = (await rig.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as {
      paths: Record<string, Record<string, { parameters?: { name: string }[]; responses: Record<string, { content?: Record<string, { schema: { properties?: Record<string, unknown> } }> }> }>>;
    };
    const search = doc.paths['/api/search']!.get!;
    expect(search.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['q', 'scope', 'target', 'tag', 'source', 'since', 'limit', 'cursor']));
    expect(Object.keys(search.responses['200']!.content!['application/json']!.schema.properties!)).toEqual(['items', 'next']);
    expect(search.responses['400']).toBeDefined();
    expect(Object.keys(doc.paths['/api/searches']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/searches/{id}']!).sort()).toEqual(['delete', 'get']);
    expect(Object.keys(doc.paths['/api/searches']!.post!.responses)).toEqual(expect.arrayContaining(['200', '201', '400', '403', '404']));
  });
});
