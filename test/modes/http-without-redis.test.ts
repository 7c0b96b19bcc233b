import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { signInSession } from '../helpers/sessions.ts';
import { startUiServer, type UiServer } from '../helpers/ui.ts';

describe('the server in the Postgres-queue mode (no Redis)', () => {
  let db: TestDatabase;
  let server: UiServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await startUiServer(db.url, { REDIS_URL: '', SCRUBWATCH_QUEUE_SCHEMA: 'http_queue' });
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('is ready without Redis: Postgres holds the queues', async () => {
    expect(server.ctx.mode).toBe('postgres-queue');
    const res = await fetch(`${server.baseUrl}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: true, browser: true } });
  });

  it('says plainly that the queue dashboard needs Redis, to admins only', async () => {
    const anonymous = await fetch(`${server.baseUrl}/admin/queues`, { redirect: 'manual' });
    expect(anonymous.status).toBe(303);
    const operator = await signInSession(server.baseUrl, server.tokens.operator);
    expect((await fetch(`${server.baseUrl}/admin/queues`, { headers: { cookie: operator.cookie } })).status).toBe(403);
    const admin = await signInSession(server.baseUrl, server.tokens.admin);
    for (const path of ['/admin/queues', '/admin/queues/api/queues']) {
      const res = await fetch(`${server.baseUrl}${path}`, { headers: { cookie: admin.cookie } });
      expect(res.status, path).toBe(501);
      const page = await res.text();
      expect(page).toContain('needs the queues on Redis');
      expect(page).toContain('http_queue');
    }
  });

  it('counts the jobs of each queue in /metrics from the Postgres backend', async () => {
    await server.ctx.captureQueue.add('capture', { targetId: 1, reason: 'manual' }, { delay: 3_600_000 });
    const res = await fetch(`${server.baseUrl}/metrics`, { headers: server.as('admin') });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/queue="capture",state="delayed"} 1/);
  });
});
