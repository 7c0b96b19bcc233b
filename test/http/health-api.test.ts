import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { createTestServer, type TestServer } from '../helpers/server.ts';
import { makeTarget, raise } from '../notify/raise.ts';

describe('health, readiness, metrics and the API docs', () => {
  let db: TestDatabase;
  let server: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase();
    // A deployment's politeness (one capture per host at a time), which the metrics test makes a host wait on.
    server = await createTestServer(db.url, { SCRUBWATCH_HOST_CONCURRENCY: '1' });
  });
  afterAll(async () => {
    await server?.dispose();
    await db?.drop();
  });

  it('/healthz answers while the process is up, without a token', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok' });
  });

  it('/readyz checks Postgres, Redis and the browser', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/readyz' });
    expect(res.json()).toEqual({ status: 'ready', checks: { postgres: true, redis: true, browser: true } });
    expect(res.statusCode).toBe(200);
  });

  it('/metrics exposes captures by outcome, capture durations, queue depths and alerts by kind, with values', async () => {
    const targetId = await makeTarget(server.ctx.pool, ['mali']);
    await raise(server.ctx.pool, targetId, 'page_removed');
    await raise(server.ctx.pool, targetId, 'media_removed');
    await server.ctx.captureQueue.add('capture', { targetId, reason: 'manual' }, { delay: 60_000 });
    // A second capture of a host already being captured is sent to wait: the wait is counted for /metrics.
    await server.ctx.hostGate.acquire('www.army.mil', 'job-a', 60_000);
    await server.ctx.hostGate.acquire('www.army.mil', 'job-b', 60_000);
    const res = await server.app.inject({ method: 'GET', url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    const text = res.body;
    expect(text).toContain('# TYPE scrubwatch_snapshots_total gauge');
    expect(text).toMatch(/^scrubwatch_snapshots_total\{outcome="unknown",window="24h"\} 2$/m);
    expect(text).toMatch(/^scrubwatch_snapshots_total\{outcome="unknown",window="all"\} 2$/m);
    expect(text).toContain('# TYPE scrubwatch_capture_duration_seconds histogram');
    expect(text).toMatch(/^scrubwatch_capture_duration_seconds_bucket\{le="0.5"\} 2$/m);
    expect(text).toMatch(/^scrubwatch_capture_duration_seconds_bucket\{le="\+Inf"\} 2$/m);
    expect(text).toMatch(/^scrubwatch_capture_duration_seconds_count 2$/m);
    expect(text).toMatch(/^scrubwatch_capture_duration_seconds_sum 0.02$/m);
    expect(text).toMatch(/^scrubwatch_queue_jobs\{queue="capture",state="delayed"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_queue_jobs\{queue="notify",state="waiting"\} \d+$/m);
    expect(text).toMatch(/^scrubwatch_alerts\{kind="page_removed",state="open"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_alerts\{kind="media_removed",state="open"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_host_waits\{host="www.army.mil",measure="count"\} 1$/m);
    expect(text).toMatch(/^scrubwatch_host_waits\{host="www.army.mil",measure="seconds"\} [\d.]+$/m);
  });

  it('/openapi.json is an OpenAPI 3 document listing every route of the contract, with bearer auth', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json() as { openapi: string; paths: Record<string, Record<string, { security?: unknown; parameters?: { name: string; in: string }[] }>>; components: { securitySchemes: Record<string, unknown> } };
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    const routes = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    for (const route of [
      'GET /api/targets', 'POST /api/targets', 'GET /api/targets/{id}', 'PATCH /api/targets/{id}', 'DELETE /api/targets/{id}', 'POST /api/targets/{id}/check',
      'GET /api/targets/{id}/snapshots', 'GET /api/snapshots/{id}', 'GET /api/snapshots/{id}/screenshot.png', 'GET /api/snapshots/{id}/text',
      'GET /api/snapshots/{id}/html', 'GET /api/snapshots/{id}/media/{sha256}', 'GET /api/snapshots/{id}/diff', 'GET /api/alerts', 'GET /api/alerts/{id}',
      'PATCH /api/alerts/{id}', 'GET /api/subscriptions', 'POST /api/subscriptions', 'DELETE /api/subscriptions/{id}', 'GET /api/tokens',
      'POST /api/tokens', 'DELETE /api/tokens/{id}', 'GET /healthz', 'GET /readyz', 'GET /metrics',
    ]) expect(routes).toContain(route);
    expect(doc.paths['/api/targets']!.get!.security).toEqual([{ bearerAuth: [] }]);
    expect(doc.paths['/api/targets']!.get!.parameters!.map((p) => p.name)).toEqual(expect.arrayContaining(['limit', 'cursor', 'tag', 'state', 'q']));
    expect(doc.paths['/api/snapshots/{id}/diff']!.get!.parameters).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'against', in: 'query' })]));
    expect(routes.some((r) => r.includes('/docs') || r.includes('/openapi.json'))).toBe(false);
  });

  it('/docs is the docs page', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/docs' });
    const page = res.statusCode === 302 ? await server.app.inject({ method: 'GET', url: res.headers.location as string }) : res;
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('swagger-ui');
  });

  it('an unknown route is a JSON 404', async () => {
    const res = await server.app.inject({ method: 'GET', url: '/api/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'not_found' });
  });
});
