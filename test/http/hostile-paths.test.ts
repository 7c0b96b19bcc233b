import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { startUiServer, type UiServer } from '../helpers/ui.ts';
import { rawRequest, signInSession, type RawResponse } from '../helpers/sessions.ts';
import { VERBATIM, tableNames } from '../helpers/hostile-strings.ts';
import { makeTarget, raise } from '../notify/raise.ts';

/** Ids a path might carry instead of a positive integer, each percent-encoded as it would go on the wire. */
const BAD_IDS = ['99999999999999999999', '9007199254740992', '1%27%20or%201=1', '1;drop%20table%20targets', '-1', '0', '1.5', 'abc', '%00', '1%00', '%E2%80%AE1', '%F0%9F%A7%A8'];

/** What package.json says, and /etc/passwd: neither may ever come back from a path trick. */
const LEAKS = /"dependencies"|"name": "scrubwatch"|root:x:0:0/;

describe('hostile paths and query strings: 400 or 404 naming the parameter, never a 500, never a file', () => {
  let db: TestDatabase;
  let server: UiServer;
  let targetId: number;

  const get = (path: string, headers: Record<string, string> = {}) => rawRequest(server.baseUrl, 'GET', path, headers);
  const asJson = (res: RawResponse) => JSON.parse(res.body) as Record<string, unknown>;
  const refused = (res: RawResponse, status: number, field: string, where: string) => {
    expect(res.status, `${where}: ${res.body.slice(0, 200)}`).toBe(status);
    expect(asJson(res), where).toMatchObject({ error: 'invalid_input', field });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url);
    targetId = await makeTarget(server.ctx.pool, ['mali']);
    await raise(server.ctx.pool, targetId, 'page_removed');
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('ids in API paths: huge, negative, fractional, SQL, NUL and RTL ids are 400 naming id; overlong or badly encoded ones 414/400 naming path', async () => {
    const admin = server.as('admin');
    const routes: [string, string][] = [
      ['GET', '/api/targets/:id'], ['PATCH', '/api/targets/:id'], ['DELETE', '/api/targets/:id'], ['POST', '/api/targets/:id/check'],
      ['GET', '/api/targets/:id/snapshots'], ['GET', '/api/snapshots/:id'], ['GET', '/api/snapshots/:id/html'], ['GET', '/api/alerts/:id'],
      ['DELETE', '/api/subscriptions/:id'], ['DELETE', '/api/tokens/:id'],
    ];
    for (const [method, route] of routes) {
      for (const id of BAD_IDS) {
        const body = method === 'PATCH' ? '{}' : undefined;
        const res = await rawRequest(server.baseUrl, method, route.replace(':id', id), { ...admin, ...(body ? { 'content-type': 'application/json' } : {}) }, body);
        refused(res, 400, 'id', `${method} ${route} ${id}`);
      }
      const long = await rawRequest(server.baseUrl, method, route.replace(':id', '9'.repeat(300)), admin);
      expect(long.status, `${method} ${route} long`).toBe(414);
      expect(asJson(long)).toMatchObject({ error: 'invalid_input', field: 'path' });
      refused(await rawRequest(server.baseUrl, method, route.replace(':id', '%E0%A4%A'), admin), 400, 'path', `${method} ${route} bad encoding`);
    }
    expect((await get(`/api/targets/${targetId}`, admin)).status).toBe(200);
  });

  it('ids in UI paths: a 400 page, not a 500', async () => {
    const { cookie } = await signInSession(server.baseUrl, server.tokens.admin);
    for (const path of ['/targets/:id', '/alerts/:id', '/snapshots/:id', '/snapshots/:id/diff', '/snapshots/1/diff?against=:id']) {
      for (const id of BAD_IDS) {
        const res = await get(path.replace(':id', id), { cookie });
        expect(res.status, `${path} ${id}`).toBe(400);
        expect(res.body).toContain('<title>Error');
      }
    }
  });

  it('paging and filters: malformed limit, cursor, dates, enums and unstorable text are 400 naming the parameter', async () => {
    const h = server.as('admin');
    const cases: [string, string][] = [
      ['/api/targets?limit=abc', 'limit'], ['/api/targets?limit=0', 'limit'], ['/api/targets?limit=201', 'limit'], ['/api/targets?limit=-1', 'limit'],
      ['/api/targets?limit=1e9', 'limit'], ['/api/targets?limit=1&limit=2', 'limit'], ['/api/targets?limit=1%27%20or%201=1', 'limit'],
      ['/api/targets?cursor=abc', 'cursor'], ['/api/targets?cursor=-1', 'cursor'], ['/api/targets?cursor=99999999999999999999', 'cursor'], ['/api/targets?cursor=1.5', 'cursor'],
      ['/api/alerts?cursor=0', 'cursor'], ['/api/tokens?limit=%00', 'limit'], ['/api/subscriptions?cursor=x', 'cursor'], [`/api/targets/${targetId}/snapshots?limit=nope`, 'limit'],
      ['/api/alerts?since=yesterday', 'since'], ['/api/alerts?until=2024-13-45T99:00:00Z', 'until'], ['/api/alerts?kind=page_removed%27%20or%201=1', 'kind'],
      ['/api/alerts?severity=critical', 'severity'], ['/api/alerts?state=open%3B', 'state'], ['/api/alerts?targetId=1%20or%201=1', 'targetId'],
      [`/api/alerts?tag=${'x'.repeat(65)}`, 'tag'], ['/api/alerts?tag=a%00b', 'tag'], [`/api/targets?q=${'x'.repeat(201)}`, 'q'], ['/api/targets?q=%00', 'q'],
      ['/api/targets?state=deleted', 'state'], ['/api/snapshots/1/diff?against=abc', 'against'],
    ];
    for (const [path, field] of cases) refused(await get(path, h), 400, field, path);
  });

  it('search text is data: SQL, LIKE wildcards and hostile text find nothing, rather than everything', async () => {
    const h = server.as('admin');
    for (const q of [...VERBATIM, '%', '_', '\\', "%' or '1'='1"]) {
      const res = await get(`/api/targets?q=${encodeURIComponent(q)}`, h);
      expect(res.status, q).toBe(200);
      expect(asJson(res).items, q).toEqual([]);
    }
    for (const tag of VERBATIM.slice(0, 3)) {
      for (const path of ['/api/targets?tag=', '/api/alerts?tag=']) {
        const res = await get(`${path}${encodeURIComponent(tag)}`, h);
        expect(res.status, tag).toBe(200);
        expect(asJson(res).items).toEqual([]);
      }
    }
    expect(asJson(await get('/api/targets?q=army.mil', h)).items).toHaveLength(1);
    const { cookie } = await signInSession(server.baseUrl, server.tokens.admin);
    const inbox = await get(`/alerts?tag=${encodeURIComponent(VERBATIM[0]!)}&state=all`, { cookie });
    expect(inbox.status).toBe(200);
    // A target id that is not one is refused in words, never handed to a query.
    const injected = await get(`/alerts?tag=${encodeURIComponent(VERBATIM[0]!)}&target=${encodeURIComponent('1 or 1=1')}&state=all`, { cookie });
    expect(injected.status).toBe(400);
  });

  it('blob ids: traversal, encoded dots, non-hex, wrong length, upper case and NUL never reach a file or a query', async () => {
    const h = server.as('admin');
    const media = `/api/snapshots/1/media/`;
    const asSha = ['..%2F..%2F..%2F..%2Fetc%2Fpasswd', '%2e%2e%2f%2e%2e%2fpackage.json', '%2E%2E', '..', 'g'.repeat(64), 'a'.repeat(63), 'a'.repeat(65), 'A'.repeat(64), `${'a'.repeat(63)}%00`, `${'a'.repeat(64)}%00`, `${'a'.repeat(62)}%2F.`, "'%20or%201=1--", '..\\..\\package.json'];
    for (const sha of asSha) {
      const res = await get(`${media}${sha}`, h);
      refused(res, 400, 'sha256', sha);
      expect(res.body).not.toMatch(LEAKS);
    }
    for (const path of [`${media}../../../../etc/passwd`, '/api/snapshots/1/media/a/../../../../package.json', '/api/snapshots/../../package.json']) {
      const res = await get(path, h);
      expect(res.status, path).toBe(404);
      expect(res.body).not.toMatch(LEAKS);
    }
  });

  it('static files: no path trick leaves the static folder', async () => {
    const admin = server.as('admin');
    const tricks = ['../package.json', '..%2fpackage.json', '%2e%2e/package.json', '%2e%2e%2f%2e%2e%2fpackage.json', '..%5c..%5cpackage.json', '%252e%252e/package.json', '....//package.json', 'ui.css%00.js', '/etc/passwd', '%2fetc%2fpasswd', '..%2f..%2f..%2f..%2f..%2fetc%2fpasswd'];
    for (const base of ['/static/', '/docs/static/', '/admin/queues/static/']) {
      for (const trick of tricks) {
        const res = await get(`${base}${trick}`, admin);
        expect([400, 403, 404], `${base}${trick} → ${res.status}`).toContain(res.status);
        expect(res.body, `${base}${trick}`).not.toMatch(LEAKS);
      }
    }
    expect((await get('/static/ui.css')).status).toBe(200);
  });

  it('feed tokens: SQL, traversal and NUL in /feeds/<token>.atom are 404 or 400, and the tables stay', async () => {
    const tables = await tableNames(server.ctx.pool);
    for (const token of ["'%3B%20drop%20table%20subscriptions%3B%20--", "x'%20or%20'1'='1", '..%2F..%2Fapi%2Ftokens', '*', '%25']) {
      const res = await get(`/feeds/${token}.atom`);
      expect(res.status, token).toBe(404);
      expect(asJson(res)).toMatchObject({ error: 'not_found' });
    }
    refused(await get('/feeds/a%00b.atom'), 400, 'token', 'NUL');
    expect((await get('/feeds/../api/tokens.atom')).status).toBe(404);
    expect(await tableNames(server.ctx.pool)).toEqual(tables);
  });
});
