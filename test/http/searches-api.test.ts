import { beforeAll, describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.ts';
import { createApiToken, type ApiToken } from '../../src/db/api-tokens.ts';
import { saveSearch } from '../../src/search/saved-searches.ts';
import { addTarget } from '../../src/targets/manage-targets.ts';
import type { SavedSearch as Saved } from '../../src/db/saved-searches.ts';
import { CONTROLS, VERBATIM, tableNames } from '../helpers/hostile-strings.ts';

type Headers = { authorization: string };

describe('saved searches API', () => {
  const rig = useTestServer();
  /** Two researchers who gave their tokens the same name: ownership goes by token, not by name. */
  let ana: { headers: Headers; token: ApiToken };
  let otherAna: { headers: Headers; token: ApiToken };

  const keep = async (headers: Headers, payload: Record<string, unknown>) => rig.server.app.inject({ method: 'POST', url: '/api/searches', headers, payload });
  const listAll = async (headers: Headers, query = ''): Promise<{ items: Saved[]; next: number | null }> => {
    const res = await rig.server.app.inject({ method: 'GET', url: `/api/searches${query}`, headers });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { items: Saved[]; next: number | null };
  };
  const remove = async (headers: Headers, id: number) => rig.server.app.inject({ method: 'DELETE', url: `/api/searches/${id}`, headers });
  const show = async (headers: Headers, id: number) => rig.server.app.inject({ method: 'GET', url: `/api/searches/${id}`, headers });

  beforeAll(async () => {
    for (const who of ['ana', 'otherAna'] as const) {
      const { token, secret } = await createApiToken(rig.server.ctx.pool, 'researcher', 'Ana');
      const made = { headers: { authorization: `Bearer ${secret}` }, token };
      if (who === 'ana') ana = made;
      else otherAna = made;
    }
  });

  it('keeps a search (201) with the token as its keeper; the same keeper keeping it again gets the same one (200)', async () => {
    const target = await addTarget(rig.server.ctx, { url: 'https://example.org/mali/article', every: '6h', fetcher: 'http' });
    const first = await keep(ana.headers, { query: '  "Assimi Goïta"  ', target: target.id, tag: 'mali' });
    expect(first.statusCode, first.body).toBe(201);
    const saved = first.json() as Saved;
    expect(saved).toMatchObject({ query: '"Assimi Goïta"', targetId: target.id, tag: 'mali', sourceId: null, createdBy: 'Ana', ownerTokenId: ana.token.id });

    const again = await keep(ana.headers, { query: '"Assimi Goïta"', target: target.id, tag: 'mali' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual(saved);
    // Another keeper of the same query keeps their own, so each may remove theirs.
    const theirs = await keep(otherAna.headers, { query: '"Assimi Goïta"', target: target.id, tag: 'mali' });
    expect(theirs.statusCode).toBe(201);
    expect((theirs.json() as Saved).id).not.toBe(saved.id);

    const shown = await show(rig.server.as('operator'), saved.id);
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual(saved);
  });

  it('every keeper lists every saved search, in id order, page by page', async () => {
    const kept: number[] = [];
    for (const query of ['goita', 'wagner', 'kidal']) kept.push(((await keep(rig.server.as('reviewer'), { query })).json() as Saved).id);
    const everyone = await listAll(rig.server.as('researcher'));
    expect(everyone.items.map((s) => s.id)).toEqual(expect.arrayContaining(kept));
    expect(everyone.items.map((s) => s.id)).toEqual([...everyone.items.map((s) => s.id)].sort((a, b) => a - b));
    expect(new Set(everyone.items.map((s) => s.ownerTokenId)).size).toBeGreaterThan(1);

    const seen: number[] = [];
    let query = '?limit=2';
    for (let pages = 0; pages < 20; pages++) {
      const page = await listAll(rig.server.as('researcher'), query);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((s) => s.id));
      if (page.next === null) break;
      query = `?limit=2&cursor=${page.next}`;
    }
    expect(seen).toEqual(everyone.items.map((s) => s.id));
  });

  it('only the keeper (the same token, not the same name) or an admin removes a saved search', async () => {
    const mine = (await keep(ana.headers, { query: 'menaka' })).json() as Saved;
    const refused = await remove(otherAna.headers, mine.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ error: 'forbidden', message: expect.stringMatching(/only its keeper or an admin/) });
    expect((await show(ana.headers, mine.id)).statusCode).toBe(200);
    expect((await remove(rig.server.as('operator'), mine.id)).statusCode).toBe(403);

    const removed = await remove(ana.headers, mine.id);
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toEqual(mine);
    expect((await show(ana.headers, mine.id)).statusCode).toBe(404);
    expect((await remove(ana.headers, mine.id)).statusCode).toBe(404);

    const theirs = (await keep(otherAna.headers, { query: 'gao' })).json() as Saved;
    expect((await remove(rig.server.as('admin'), theirs.id)).statusCode).toBe(200);
    expect((await listAll(ana.headers)).items.map((s) => s.id)).not.toContain(theirs.id);
  });

  it('a search kept from the CLI has no keeper token: only an admin removes it through the API', async () => {
    const { search } = await saveSearch(rig.server.ctx.pool, { query: 'timbuktu', targetId: null, tag: null, sourceId: null, createdBy: 'cli', ownerTokenId: null });
    expect((await show(ana.headers, search.id)).json()).toMatchObject({ createdBy: 'cli', ownerTokenId: null });
    const refused = await remove(ana.headers, search.id);
    expect(refused.statusCode).toBe(403);
    expect(refused.json()).toMatchObject({ message: expect.stringMatching(/kept by the CLI/) });
    expect((await remove(rig.server.as('admin'), search.id)).statusCode).toBe(200);
  });

  it.each([
    ['query', {}],
    ['query', { query: '' }],
    ['query', { query: 'x'.repeat(10_000) }],
    ['query', { query: '"Assimi Goita' }],
    ['query', { query: '-goita' }],
    ['query', { query: 'OR * --' }],
    ['query', { query: { text: 'goita' } }],
    ['target', { query: 'goita', target: 0 }],
    ['tag', { query: 'goita', tag: '' }],
    ['tag', { query: 'goita', tag: 'two words' }],
    ['source', { query: 'goita', source: 'one' }],
    ['owner', { query: 'goita', owner: 1 }],
  ])('refuses a bad %s with a 400 naming it', async (field, payload) => {
    const res = await keep(ana.headers, payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('SQL and markup in a kept query are kept as written, never run; control characters are refused naming query', async () => {
    const before = await tableNames(rig.server.ctx.pool);
    for (const query of VERBATIM) {
      const res = await keep(ana.headers, { query });
      if (res.statusCode === 201) expect((res.json() as Saved).query, query).toBe(query);
      else expect(res.json(), query).toMatchObject({ error: 'invalid_input', field: 'query' });
    }
    expect(await tableNames(rig.server.ctx.pool)).toEqual(before);
    for (const control of CONTROLS) {
      const res = await keep(ana.headers, { query: `goita ${control}` });
      expect(res.statusCode, control).toBe(400);
      expect(res.json()).toMatchObject({ error: 'invalid_input', field: 'query', message: expect.stringMatching(/^query: contains/) });
    }
  });

  it('a target or source that does not exist is a 404; an id that is not one is a 400', async () => {
    expect((await keep(ana.headers, { query: 'goita', target: 987654 })).statusCode).toBe(404);
    expect((await keep(ana.headers, { query: 'goita', source: 987654 })).statusCode).toBe(404);
    expect((await show(ana.headers, 987654)).statusCode).toBe(404);
    const bad = await show(ana.headers, 'abc' as unknown as number);
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ field: 'id' });
  });

  it('no token is a 401 on every saved-search route', async () => {
    for (const [method, url] of [['GET', '/api/searches'], ['POST', '/api/searches'], ['GET', '/api/searches/1'], ['DELETE', '/api/searches/1']] as const) {
      expect((await rig.server.app.inject({ method, url, ...(method === 'POST' ? { payload: { query: 'goita' } } : {}) })).statusCode, `${method} ${url}`).toBe(401);
    }
  });
});
