import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { makeTarget, raise } from '../notify/raise.ts';
import type { Alert } from '../../src/db/alerts.ts';

type Page = { items: Alert[]; next: number | null };

describe('alerts API', () => {
  let db: TestDatabase;
  let server: TestServer;
  let mali: number;
  let other: number;
  let removed: Alert;
  let media: Alert;
  let unreachable: Alert;
  let elsewhere: Alert;

  const get = (url: string, role: 'admin' | 'operator' | 'reviewer' | 'researcher' = 'researcher') => server.app.inject({ method: 'GET', url, headers: server.as(role) });
  const ids = async (url: string) => ((await get(url)).json() as Page).items.map((a) => a.id);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await createTestServer(db.url);
    mali = await makeTarget(server.ctx.pool, ['mali']);
    other = await makeTarget(server.ctx.pool, ['niger']);
    removed = await raise(server.ctx.pool, mali, 'page_removed');
    media = await raise(server.ctx.pool, mali, 'media_removed');
    unreachable = await raise(server.ctx.pool, mali, 'page_unreachable');
    elsewhere = await raise(server.ctx.pool, other, 'content_removed');
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('lists newest first for every role that reads alerts; 401 without a token', async () => {
    expect(await ids('/api/alerts')).toEqual([elsewhere.id, unreachable.id, media.id, removed.id]);
    for (const role of ['admin', 'operator', 'reviewer'] as const) expect((await get('/api/alerts', role)).statusCode).toBe(200);
    expect((await server.app.inject({ method: 'GET', url: '/api/alerts' })).statusCode).toBe(401);
  });

  it('filters by kind, least severity, target, tag, state and time, and pages by cursor', async () => {
    expect(await ids('/api/alerts?kind=media_removed')).toEqual([media.id]);
    expect(await ids('/api/alerts?severity=medium')).toEqual([elsewhere.id, media.id, removed.id]);
    expect(await ids('/api/alerts?severity=high')).toEqual([removed.id]);
    expect(await ids(`/api/alerts?targetId=${other}`)).toEqual([elsewhere.id]);
    expect(await ids('/api/alerts?tag=mali&limit=2')).toEqual([unreachable.id, media.id]);
    expect(await ids('/api/alerts?state=dismissed')).toEqual([]);
    const since = new Date(Date.now() - 3_600_000).toISOString();
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect(await ids(`/api/alerts?since=${encodeURIComponent(since)}&until=${encodeURIComponent(future)}`)).toHaveLength(4);
    expect(await ids(`/api/alerts?since=${encodeURIComponent(future)}`)).toEqual([]);
    expect(await ids(`/api/alerts?until=${encodeURIComponent(since)}`)).toEqual([]);

    const p1 = (await get('/api/alerts?limit=3')).json() as Page;
    expect(p1.next).toBe(media.id);
    const p2 = (await get(`/api/alerts?limit=3&cursor=${p1.next}`)).json() as Page;
    expect(p2).toEqual({ items: [expect.objectContaining({ id: removed.id })], next: null });
  });

  it('filters by the source that lists the target, as the inbox and the CLI do', async () => {
    const { rows } = await server.ctx.pool.query<{ id: number }>(
      `insert into sources (url, kind, every, targets_every, max_targets, complete) values ('https://www.army.mil/sitemap.xml', 'sitemap', '1h', '6h', 100, true) returning id`,
    );
    await server.ctx.pool.query('insert into source_pages (source_id, target_id) values ($1, $2)', [rows[0]!.id, other]);
    expect(await ids(`/api/alerts?sourceId=${rows[0]!.id}`)).toEqual([elsewhere.id]);
    expect(await ids(`/api/alerts?sourceId=${rows[0]!.id + 1}`)).toEqual([]);
  });

  it.each([
    ['sourceId=abc', 'sourceId'],
    ['kind=nonsense', 'kind'],
    ['severity=critical', 'severity'],
    ['state=closed', 'state'],
    ['targetId=abc', 'targetId'],
    ['since=yesterday', 'since'],
    ['until=2024-13-45', 'until'],
  ])('400 naming the field for ?%s', async (query, field) => {
    const res = await get(`/api/alerts?${query}`);
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('shows an alert with its evidence; 404 for an unknown one', async () => {
    const res = await get(`/api/alerts/${removed.id}`);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: removed.id, kind: 'page_removed', severity: 'high', state: 'open', triage: null, evidence: { items: [{ kind: 'paragraph' }] } });
    expect((await get('/api/alerts/999999')).statusCode).toBe(404);
    expect((await get('/api/alerts/nope')).json()).toMatchObject({ field: 'id' });
  });

  it('reviewers triage with a note and are recorded as who did it; a dismissed alert stays in the history', async () => {
    const res = await server.app.inject({
      method: 'PATCH',
      url: `/api/alerts/${media.id}`,
      headers: server.as('reviewer'),
      payload: { state: 'dismissed', note: 'the photo was re-hosted, not removed' },
    });
    expect(res.statusCode, res.body).toBe(200);
    const triaged = res.json() as Alert;
    expect(triaged).toMatchObject({ id: media.id, state: 'dismissed', triage: { by: 'reviewer (test)', note: 'the photo was re-hosted, not removed' } });
    expect(Date.parse(triaged.triage!.at)).toBeGreaterThan(Date.now() - 60_000);
    expect(await ids('/api/alerts?state=dismissed')).toEqual([media.id]);
    expect(await ids('/api/alerts')).toContain(media.id);
    expect(((await get(`/api/alerts/${media.id}`)).json() as Alert).triage?.note).toBe('the photo was re-hosted, not removed');

    const confirmed = await server.app.inject({ method: 'PATCH', url: `/api/alerts/${removed.id}`, headers: server.as('admin'), payload: { state: 'confirmed' } });
    expect(confirmed.json()).toMatchObject({ state: 'confirmed', triage: { by: 'admin (test)', note: null } });
  });

  it('triage: researchers and operators may not; 400 naming the field; 404 for an unknown alert', async () => {
    for (const role of ['researcher', 'operator'] as const) {
      const res = await server.app.inject({ method: 'PATCH', url: `/api/alerts/${removed.id}`, headers: server.as(role), payload: { state: 'dismissed' } });
      expect(res.statusCode).toBe(403);
    }
    const badState = await server.app.inject({ method: 'PATCH', url: `/api/alerts/${removed.id}`, headers: server.as('reviewer'), payload: { state: 'resolved' } });
    expect(badState.json()).toMatchObject({ error: 'invalid_input', field: 'state' });
    const noState = await server.app.inject({ method: 'PATCH', url: `/api/alerts/${removed.id}`, headers: server.as('reviewer'), payload: { note: 'x' } });
    expect(noState.json()).toMatchObject({ error: 'invalid_input', field: 'state' });
    const longNote = await server.app.inject({ method: 'PATCH', url: `/api/alerts/${removed.id}`, headers: server.as('reviewer'), payload: { state: 'open', note: 'x'.repeat(3000) } });
    expect(longNote.json()).toMatchObject({ error: 'invalid_input', field: 'note' });
    expect((await server.app.inject({ method: 'PATCH', url: '/api/alerts/999999', headers: server.as('reviewer'), payload: { state: 'open' } })).statusCode).toBe(404);
  });
});
