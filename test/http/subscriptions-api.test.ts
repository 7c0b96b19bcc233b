import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser } from 'fast-xml-parser';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { makeTarget, raise } from '../notify/raise.ts';
import { createApiToken } from '../../src/db/api-tokens.ts';
import { startWebhookReceiver } from '../helpers/webhook-receiver.ts';

type Sub = { id: number; name: string; channel: string; ownerTokenId: number | null; feedUrl?: string; secret?: string };

describe('subscriptions, tokens and feeds API', () => {
  let db: TestDatabase;
  let server: TestServer;
  let otherResearcher: { authorization: string };

  const subscribe = async (headers: { authorization: string }, payload: Record<string, unknown>) => server.app.inject({ method: 'POST', url: '/api/subscriptions', headers, payload });
  const list = async (headers: { authorization: string }) => ((await server.app.inject({ method: 'GET', url: '/api/subscriptions', headers })).json() as { items: Sub[] }).items;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await createTestServer(db.url);
    otherResearcher = { authorization: `Bearer ${(await createApiToken(server.ctx.pool, 'researcher', null)).secret}` };
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('a researcher subscribes to a feed, sees only their own subscriptions, and only removes their own', async () => {
    const made = await subscribe(server.as('researcher'), { name: 'Mali removals', channel: 'feed', tags: ['mali'], minSeverity: 'medium' });
    expect(made.statusCode, made.body).toBe(201);
    const mine = made.json() as Sub;
    expect(mine).toMatchObject({ name: 'Mali removals', channel: 'feed', ownerTokenId: expect.any(Number), feedUrl: expect.stringMatching(/\/feeds\/[\w-]+\.atom$/) });
    expect(mine.secret).toBeUndefined();
    const theirs = (await subscribe(otherResearcher, { name: 'Theirs', channel: 'feed' })).json() as Sub;

    expect((await list(server.as('researcher'))).map((s) => s.id)).toEqual([mine.id]);
    expect((await list(otherResearcher)).map((s) => s.id)).toEqual([theirs.id]);
    expect((await list(server.as('admin'))).map((s) => s.id)).toEqual([mine.id, theirs.id]);
    expect(JSON.stringify(await list(server.as('admin')))).not.toContain(mine.feedUrl!.split('/feeds/')[1]!.replace('.atom', ''));

    const notMine = await server.app.inject({ method: 'DELETE', url: `/api/subscriptions/${theirs.id}`, headers: server.as('researcher') });
    expect(notMine.statusCode).toBe(404);
    const removed = await server.app.inject({ method: 'DELETE', url: `/api/subscriptions/${mine.id}`, headers: server.as('researcher') });
    expect(removed.statusCode).toBe(200);
    expect(await list(server.as('researcher'))).toEqual([]);
    const byAdmin = await server.app.inject({ method: 'DELETE', url: `/api/subscriptions/${theirs.id}`, headers: server.as('admin') });
    expect(byAdmin.statusCode).toBe(200);
  });

  it('a webhook subscription shows its signing secret once; one that accepts no connection is refused naming webhookUrl', async () => {
    const receiver = await startWebhookReceiver();
    try {
      const res = await subscribe(server.as('admin'), { name: 'hook', channel: 'webhook', webhookUrl: receiver.url, webhookFormat: 'slack', kinds: ['page_removed'] });
      expect(res.statusCode, res.body).toBe(201);
      expect(res.json()).toMatchObject({ channel: 'webhook', webhookUrl: receiver.url, webhookFormat: 'slack', kinds: ['page_removed'], secret: expect.stringMatching(/^[0-9a-f]{64}$/) });
      expect(JSON.stringify(await list(server.as('admin')))).not.toContain((res.json() as Sub).secret);
    } finally {
      await receiver.close();
    }
    // Nothing listens on port 9.
    const refused = await subscribe(server.as('admin'), { name: 'hook', channel: 'webhook', webhookUrl: 'http://127.0.0.1:9/hook' });
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ error: 'invalid_input', field: 'webhookUrl' });
  });

  it('operators and reviewers have no subscriptions; 401 without a token', async () => {
    for (const role of ['operator', 'reviewer'] as const) {
      expect((await server.app.inject({ method: 'GET', url: '/api/subscriptions', headers: server.as(role) })).statusCode).toBe(403);
      expect((await subscribe(server.as(role), { name: 'x', channel: 'feed' })).statusCode).toBe(403);
    }
    expect((await server.app.inject({ method: 'GET', url: '/api/subscriptions' })).statusCode).toBe(401);
  });

  it.each([
    [{ channel: 'feed' }, 'name'],
    [{ name: 'x' }, 'channel'],
    [{ name: 'x', channel: 'pigeon' }, 'channel'],
    [{ name: 'x', channel: 'webhook' }, 'webhookUrl'],
    [{ name: 'x', channel: 'feed', email: 'a@b.c' }, 'email'],
    [{ name: 'x', channel: 'feed', minSeverity: 'extreme' }, 'minSeverity'],
    [{ name: 'x', channel: 'email', email: 'a@example.org', digestEvery: 'weekly' }, 'digestEvery'],
    [{ name: 'x', channel: 'feed', kinds: ['page_vanished'] }, 'kinds.0'],
    [{ name: 'x', channel: 'feed', targetIds: [999999] }, 'targetIds'],
  ])('400 naming the field for %j', async (payload, field) => {
    const res = await subscribe(server.as('researcher'), payload);
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('DELETE of an unknown subscription is 404', async () => {
    expect((await server.app.inject({ method: 'DELETE', url: '/api/subscriptions/999999', headers: server.as('admin') })).statusCode).toBe(404);
  });

  it('serves a feed subscription as Atom at its secret URL, without a token; 404 for an unknown token', async () => {
    const target = await makeTarget(server.ctx.pool, ['feeds']);
    const alert = await raise(server.ctx.pool, target, 'page_removed');
    const made = (await subscribe(server.as('researcher'), { name: 'Feed', channel: 'feed', tags: ['feeds'] })).json() as Sub;
    const path = new URL(made.feedUrl!).pathname;
    const res = await server.app.inject({ method: 'GET', url: path });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/atom+xml; charset=utf-8');
    const feed = new XMLParser().parse(res.body) as { feed: { title: string; entry: { title: string } | { title: string }[] } };
    expect(feed.feed.title).toBe('scrubwatch: Feed');
    expect(JSON.stringify(feed.feed.entry)).toContain('page_removed');
    expect(alert.kind).toBe('page_removed');
    const unknown = await server.app.inject({ method: 'GET', url: '/feeds/not-a-real-token.atom' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'not_found' });
  });

  it('admins list, create and revoke tokens; a revoked token is refused; others may not manage tokens', async () => {
    const made = await server.app.inject({ method: 'POST', url: '/api/tokens', headers: server.as('admin'), payload: { role: 'reviewer', name: 'Ana' } });
    expect(made.statusCode).toBe(201);
    const token = made.json() as { id: number; role: string; name: string; token: string };
    expect(token).toMatchObject({ role: 'reviewer', name: 'Ana', token: expect.stringMatching(/^swt_/) });
    const headers = { authorization: `Bearer ${token.token}` };
    expect((await server.app.inject({ method: 'GET', url: '/api/alerts', headers })).statusCode).toBe(200);

    const listed = (await server.app.inject({ method: 'GET', url: '/api/tokens?limit=200', headers: server.as('admin') })).json() as { items: { id: number }[] };
    expect(listed.items.map((t) => t.id)).toContain(token.id);
    expect(JSON.stringify(listed)).not.toContain(token.token);

    expect((await server.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: server.as('admin') })).json()).toEqual({ id: token.id, revoked: true, endedSubscriptions: [], cancelledDeliveries: 0 });
    expect((await server.app.inject({ method: 'GET', url: '/api/alerts', headers })).statusCode).toBe(401);
    expect((await server.app.inject({ method: 'DELETE', url: `/api/tokens/${token.id}`, headers: server.as('admin') })).statusCode).toBe(404);

    const badRole = await server.app.inject({ method: 'POST', url: '/api/tokens', headers: server.as('admin'), payload: { role: 'owner' } });
    expect(badRole.json()).toMatchObject({ error: 'invalid_input', field: 'role' });
    for (const role of ['operator', 'reviewer', 'researcher'] as const) {
      expect((await server.app.inject({ method: 'GET', url: '/api/tokens', headers: server.as(role) })).statusCode).toBe(403);
    }
  });
});
