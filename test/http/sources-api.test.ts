import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.ts';
import { listPages, recordRun } from '../helpers/source-pages.ts';
import type { Source } from '../../src/db/sources.ts';
import type { Target } from '../../src/db/targets.ts';
import type { SourceReport } from '../../src/sources/source-report.ts';

describe('sources API', () => {
  const rig = useTestServer();
  let n = 0;

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await rig.server.app.inject({ method: 'POST', url: '/api/sources', headers: rig.server.as('operator'), payload: { url: `https://www.army.mil/sitemap-${++n}.xml`, kind: 'sitemap', ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Source;
  };

  it('creates a source (201) with the defaults, schedules it, refuses a duplicate (409), and reviewers may read but not write', async () => {
    const s = await create({ tags: ['mali'], phrases: ['Assimi Goita'], include: ['/article/'] });
    expect(s).toMatchObject({ kind: 'sitemap', every: '6h', targetsEvery: '24h', maxTargets: 10_000, pages: 5, complete: true, onlyMatching: false, state: 'active', tags: ['mali'], lastRun: null });
    expect(await rig.server.ctx.discoverQueue.getJobScheduler(`source:${s.id}`)).toBeTruthy();
    const dup = await rig.server.app.inject({ method: 'POST', url: '/api/sources', headers: rig.server.as('admin'), payload: { url: s.url, kind: 'sitemap' } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: 'duplicate_source', message: expect.stringContaining(`id ${s.id}`) });
    const reviewerCreates = await rig.server.app.inject({ method: 'POST', url: '/api/sources', headers: rig.server.as('reviewer'), payload: { url: 'https://www.army.mil/rss', kind: 'feed' } });
    expect(reviewerCreates.statusCode).toBe(403);
    const researcherReads = await rig.server.app.inject({ method: 'GET', url: '/api/sources', headers: rig.server.as('researcher') });
    expect(researcherReads.statusCode).toBe(403);
    const list = (await rig.server.app.inject({ method: 'GET', url: '/api/sources', headers: rig.server.as('reviewer') })).json() as { items: Source[]; next: number | null };
    expect(list.items.map((i) => i.id)).toContain(s.id);
  });

  it.each([
    [{ kind: 'sitemap' }, 'url'],
    [{ url: 'https://www.army.mil/a', kind: 'crawl' }, 'kind'],
    [{ url: 'https://www.army.mil/b', kind: 'feed', every: 'often' }, 'every'],
    [{ url: 'https://www.army.mil/c', kind: 'feed', include: ['(unclosed'] }, 'include.0'],
    [{ url: 'https://www.army.mil/d', kind: 'feed', onlyMatching: true }, 'onlyMatching'],
    [{ url: 'https://www.army.mil/e', kind: 'feed', nextSelector: 'a.next' }, 'nextSelector'],
    [{ url: 'https://www.army.mil/f', kind: 'feed', maxTargets: 0 }, 'maxTargets'],
    [{ url: 'https://www.army.mil/g', kind: 'feed', tag: ['mali'] }, 'tag'],
  ])('400 naming the field for a bad body %j', async (payload, field) => {
    const res = await rig.server.app.inject({ method: 'POST', url: '/api/sources', headers: rig.server.as('operator'), payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('changes settings and pauses (the schedule follows), refusing kind and url changes', async () => {
    const s = await create();
    const patched = await rig.server.app.inject({ method: 'PATCH', url: `/api/sources/${s.id}`, headers: rig.server.as('operator'), payload: { every: '12h', tags: ['sahel'], name: 'Army', since: '2019-06-01' } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect(patched.json()).toMatchObject({ every: '12h', tags: ['sahel'], name: 'Army', since: '2019-06-01T00:00:00.000Z', targetsEvery: '24h', maxTargets: 10_000 });
    expect((await rig.server.ctx.discoverQueue.getJobScheduler(`source:${s.id}`))?.every).toBe(12 * 3600_000);

    const cleared = await rig.server.app.inject({ method: 'PATCH', url: `/api/sources/${s.id}`, headers: rig.server.as('operator'), payload: { name: null, paused: true } });
    expect(cleared.json()).toMatchObject({ name: null, state: 'paused', every: '12h', since: '2019-06-01T00:00:00.000Z' });
    expect(await rig.server.ctx.discoverQueue.getJobScheduler(`source:${s.id}`)).toBeFalsy();

    const kind = await rig.server.app.inject({ method: 'PATCH', url: `/api/sources/${s.id}`, headers: rig.server.as('operator'), payload: { kind: 'feed' } });
    expect(kind.statusCode).toBe(400);
    expect(kind.json()).toMatchObject({ field: 'kind' });
    const bad = await rig.server.app.inject({ method: 'PATCH', url: `/api/sources/${s.id}`, headers: rig.server.as('operator'), payload: { targetsEvery: 'soon' } });
    expect(bad.json()).toMatchObject({ error: 'invalid_input', field: 'targetsEvery' });
  });

  it('shows counts, the last run and the pages delisted or lost; lists its targets by source and state', async () => {
    const s = await create();
    const [kept, screened, delisted, lost] = await listPages(rig.server.ctx.pool, s.id, [
      { url: 'https://www.army.mil/api-article/1' },
      { url: 'https://www.army.mil/api-article/2', screening: 'screened' },
      { url: 'https://www.army.mil/api-article/3', delistedAt: new Date('2026-12-01T00:00:00Z') },
      { url: 'https://www.army.mil/api-article/4', lifecycle: 'removed' },
    ]);
    const run = await recordRun(rig.server.ctx.pool, s.id, { discovered: 4, added: 4, capped: true, warnings: ['stopped at maxTargets'] });
    const shown = await rig.server.app.inject({ method: 'GET', url: `/api/sources/${s.id}`, headers: rig.server.as('reviewer') });
    expect(shown.statusCode).toBe(200);
    const report = shown.json() as SourceReport;
    expect(report.counts).toEqual({ pages: 4, listed: 3, delisted: 1, screening: 0, screenedOut: 1, lost: 1 });
    expect(report.lastRun).toMatchObject({ ...run, at: expect.any(String) });
    expect(report.losses.map((l) => l.targetId).sort()).toEqual([delisted, lost].sort());

    const page = (url: string) => rig.server.app.inject({ method: 'GET', url, headers: rig.server.as('reviewer') }).then((r) => (r.json() as { items: Target[] }).items.map((t) => t.id));
    expect(await page(`/api/targets?source=${s.id}`)).toEqual([kept, delisted, lost]);
    expect(await page(`/api/targets?source=${s.id}&state=screened`)).toEqual([screened]);
    expect(await page(`/api/targets?source=${s.id}&limit=1&cursor=${kept}`)).toEqual([delisted]);

    for (const [query, field] of [['source=abc', 'source'], ['source=0', 'source'], ['state=gone', 'state']]) {
      const bad = await rig.server.app.inject({ method: 'GET', url: `/api/targets?${query}`, headers: rig.server.as('reviewer') });
      expect(bad.statusCode, query).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'invalid_input', field });
    }
    const unknown = await rig.server.app.inject({ method: 'PATCH', url: `/api/sources/${s.id}`, headers: rig.server.as('operator'), payload: { pause: true } });
    expect(unknown.json()).toMatchObject({ error: 'invalid_input', field: 'pause' });

    const target = (await rig.server.app.inject({ method: 'GET', url: `/api/targets/${kept}`, headers: rig.server.as('reviewer') })).json() as Target & { sources: unknown[] };
    expect(target.sources).toEqual([{ id: s.id, kind: 'sitemap', url: s.url, firstListedAt: expect.any(String), lastListedAt: expect.any(String), delistedAt: null }]);
  });

  it('queues a run (202), answers 503 when asked to wait with no worker, and deletes the source keeping its targets', async () => {
    const s = await create();
    const [target] = await listPages(rig.server.ctx.pool, s.id, [{ url: 'https://www.army.mil/api-kept/1' }]);
    const queued = await rig.server.app.inject({ method: 'POST', url: `/api/sources/${s.id}/run`, headers: rig.server.as('operator') });
    expect(queued.statusCode).toBe(202);
    const { jobId } = queued.json() as { jobId: string };
    expect(queued.json()).toMatchObject({ sourceId: s.id, queue: 'discover' });
    expect((await rig.server.ctx.discoverQueue.getJob(jobId))?.data).toEqual({ sourceId: s.id, reason: 'manual' });

    const waited = await rig.server.app.inject({ method: 'POST', url: `/api/sources/${s.id}/run?wait=true`, headers: rig.server.as('operator') });
    expect(waited.statusCode).toBe(503);
    expect(waited.json()).toMatchObject({ error: 'no_worker' });

    const removed = await rig.server.app.inject({ method: 'DELETE', url: `/api/sources/${s.id}`, headers: rig.server.as('operator') });
    expect(removed.statusCode).toBe(200);
    expect(removed.json()).toMatchObject({ id: s.id });
    expect((await rig.server.app.inject({ method: 'GET', url: `/api/sources/${s.id}`, headers: rig.server.as('operator') })).statusCode).toBe(404);
    expect((await rig.server.app.inject({ method: 'GET', url: `/api/targets/${target}`, headers: rig.server.as('operator') })).statusCode).toBe(200);
    expect(await rig.server.ctx.discoverQueue.getJobScheduler(`source:${s.id}`)).toBeFalsy();
  });

  it('documents every sources route in the OpenAPI document', async () => {
    const doc = (await rig.server.app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, Record<string, unknown>> };
    expect(Object.keys(doc.paths['/api/sources']!).sort()).toEqual(['get', 'post']);
    expect(Object.keys(doc.paths['/api/sources/{id}']!).sort()).toEqual(['delete', 'get', 'patch']);
    expect(Object.keys(doc.paths['/api/sources/{id}/run']!)).toEqual(['post']);
  });
});
