import { describe, expect, it } from 'vitest';
import { useTestServer } from '../helpers/server.ts';
import type { Target } from '../../src/db/targets.ts';
import { putTierState } from '../../src/db/target-tiers.ts';

describe('targets API', () => {
  const rig = useTestServer();
  let n = 0;

  const create = async (body: Record<string, unknown> = {}) => {
    const res = await rig.server.app.inject({ method: 'POST', url: '/api/targets', headers: rig.server.as('operator'), payload: { url: `http://127.0.0.1:9/news/${++n}`, ...body } });
    expect(res.statusCode, res.body).toBe(201);
    return res.json() as Target;
  };


  it('401 without a token or with an unknown one, 403 for a role without the capability', async () => {
    expect((await rig.server.app.inject({ method: 'GET', url: '/api/targets' })).statusCode).toBe(401);
    const bad = await rig.server.app.inject({ method: 'GET', url: '/api/targets', headers: { authorization: 'Bearer swt_nope' } });
    expect(bad.statusCode).toBe(401);
    expect(bad.json()).toMatchObject({ error: 'unauthorized' });
    const researcher = await rig.server.app.inject({ method: 'GET', url: '/api/targets', headers: rig.server.as('researcher') });
    expect(researcher.statusCode).toBe(403);
    expect(researcher.json()).toMatchObject({ error: 'forbidden', message: expect.stringContaining('targets:read') });
    const reviewerCreates = await rig.server.app.inject({ method: 'POST', url: '/api/targets', headers: rig.server.as('reviewer'), payload: { url: 'https://www.army.mil/article/1' } });
    expect(reviewerCreates.statusCode).toBe(403);
    const researcherDeletes = await rig.server.app.inject({ method: 'DELETE', url: '/api/targets/1', headers: rig.server.as('researcher') });
    expect(researcherDeletes.statusCode).toBe(403);
    expect((await rig.server.app.inject({ method: 'GET', url: '/api/targets', headers: rig.server.as('reviewer') })).statusCode).toBe(200);
  });

  it('creates a target (201), schedules it, and refuses a duplicate (409) naming the existing one', async () => {
    const t = await create({ name: 'Flintlock 2019', tags: ['mali', 'flintlock'], every: '6h', options: { phrases: ['Assimi Goita'] } });
    expect(t).toMatchObject({ name: 'Flintlock 2019', tags: ['mali', 'flintlock'], schedule: { every: '6h' }, state: 'active', lifecycle: 'live', kind: 'page' });
    expect(t.options).toMatchObject({ phrases: ['Assimi Goita'], confirm: 2 });
    expect(await rig.server.ctx.captureQueue.getJobScheduler(`target:${t.id}`)).toBeTruthy();
    const dup = await rig.server.app.inject({ method: 'POST', url: '/api/targets', headers: rig.server.as('admin'), payload: { url: t.url } });
    expect(dup.statusCode).toBe(409);
    expect(dup.json()).toMatchObject({ error: 'duplicate_target', message: expect.stringContaining(`id ${t.id}`) });
  });

  it.each([
    [{}, 'url'],
    [{ url: 42 }, 'url'],
    [{ url: 'ftp://example.org/x' }, 'url'],
    [{ url: 'https://www.army.mil/a', tags: ['no spaces allowed'] }, 'tags.0'],
    [{ url: 'https://www.army.mil/b', every: 'often' }, 'every'],
    [{ url: 'https://www.army.mil/c', cron: '* *' }, 'cron'],
    [{ url: 'https://www.army.mil/d', options: { confirm: 99 } }, 'options.confirm'],
    [{ url: 'https://www.army.mil/e', fetcher: 'curl' }, 'fetcher'],
    [{ url: 'https://www.army.mil/f', tag: ['mali'] }, 'tag'],
  ])('400 naming the field for a bad body %j', async (payload, field) => {
    const res = await rig.server.app.inject({ method: 'POST', url: '/api/targets', headers: rig.server.as('operator'), payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
    expect(res.body).not.toMatch(/at \w+ \(|\.ts:\d+/);
  });

  it('lists with filters (tag, state, text) and pages by cursor', async () => {
    const a = await create({ name: 'Goita profile', tags: ['lists'] });
    const b = await create({ tags: ['lists'] });
    const c = await create({ tags: ['lists', 'other'] });
    await rig.server.app.inject({ method: 'PATCH', url: `/api/targets/${b.id}`, headers: rig.server.as('operator'), payload: { paused: true } });

    const page1 = (await rig.server.app.inject({ method: 'GET', url: '/api/targets?tag=lists&limit=2', headers: rig.server.as('reviewer') })).json() as { items: Target[]; next: number | null };
    expect(page1.items.map((t) => t.id)).toEqual([a.id, b.id]);
    expect(page1.next).toBe(b.id);
    const page2 = (await rig.server.app.inject({ method: 'GET', url: `/api/targets?tag=lists&limit=2&cursor=${page1.next}`, headers: rig.server.as('reviewer') })).json() as { items: Target[]; next: number | null };
    expect(page2).toEqual({ items: [expect.objectContaining({ id: c.id })], next: null });

    const paused = (await rig.server.app.inject({ method: 'GET', url: '/api/targets?tag=lists&state=paused', headers: rig.server.as('reviewer') })).json() as { items: Target[] };
    expect(paused.items.map((t) => t.id)).toEqual([b.id]);
    const byName = (await rig.server.app.inject({ method: 'GET', url: '/api/targets?q=goita', headers: rig.server.as('reviewer') })).json() as { items: Target[] };
    expect(byName.items.map((t) => t.id)).toEqual([a.id]);
    const byUrl = (await rig.server.app.inject({ method: 'GET', url: `/api/targets?q=${encodeURIComponent(`/news/${n}`)}`, headers: rig.server.as('reviewer') })).json() as { items: Target[] };
    expect(byUrl.items.map((t) => t.id)).toEqual([c.id]);
    const literal = (await rig.server.app.inject({ method: 'GET', url: '/api/targets?q=%25', headers: rig.server.as('reviewer') })).json() as { items: Target[] };
    expect(literal.items).toEqual([]);
  });

  it.each([
    ['/api/targets?limit=0', 'limit'],
    ['/api/targets?limit=abc', 'limit'],
    ['/api/targets?cursor=-1', 'cursor'],
    ['/api/targets?state=gone', 'state'],
  ])('400 naming the field for a bad query %s', async (url, field) => {
    const res = await rig.server.app.inject({ method: 'GET', url, headers: rig.server.as('operator') });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('shows a target; 404 for an unknown id; 400 naming id for one that is not a positive integer', async () => {
    const t = await create();
    const res = await rig.server.app.inject({ method: 'GET', url: `/api/targets/${t.id}`, headers: rig.server.as('reviewer') });
    const tier = { scriptDependent: null, trustsValidators: null, fullEvery: '7d', lastFullCaptureAt: null, lastFullSnapshotId: null, nextFullCaptureDue: null };
    expect(res.json()).toEqual({ ...t, tier, sources: [] });
    const missing = await rig.server.app.inject({ method: 'GET', url: '/api/targets/999999', headers: rig.server.as('reviewer') });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ error: 'not_found' });
    for (const id of ['abc', '0', '1.5']) {
      const bad = await rig.server.app.inject({ method: 'GET', url: `/api/targets/${id}`, headers: rig.server.as('reviewer') });
      expect(bad.statusCode).toBe(400);
      expect(bad.json()).toMatchObject({ error: 'invalid_input', field: 'id' });
    }
  });

  it('updates schedule, options (merged), name, tags and pause, keeping the job scheduler in step', async () => {
    const t = await create({ name: 'before', options: { phrases: ['Goita'], ignore: ['.ads'] } });
    const res = await rig.server.app.inject({
      method: 'PATCH',
      url: `/api/targets/${t.id}`,
      headers: rig.server.as('operator'),
      payload: { cron: '0 */6 * * *', options: { confirm: 3 }, name: 'after', tags: ['edited'] },
    });
    expect(res.statusCode, res.body).toBe(200);
    const updated = res.json() as Target;
    expect(updated).toMatchObject({ name: 'after', tags: ['edited'], schedule: { cron: '0 */6 * * *' }, state: 'active' });
    expect(updated.options).toMatchObject({ phrases: ['Goita'], ignore: ['.ads'], confirm: 3 });
    expect((await rig.server.ctx.captureQueue.getJobScheduler(`target:${t.id}`))?.pattern).toBe('0 */6 * * *');

    const paused = await rig.server.app.inject({ method: 'PATCH', url: `/api/targets/${t.id}`, headers: rig.server.as('operator'), payload: { paused: true } });
    expect(paused.json()).toMatchObject({ state: 'paused', name: 'after', schedule: { cron: '0 */6 * * *' } });
    expect(await rig.server.ctx.captureQueue.getJobScheduler(`target:${t.id}`)).toBeFalsy();
    const resumed = await rig.server.app.inject({ method: 'PATCH', url: `/api/targets/${t.id}`, headers: rig.server.as('operator'), payload: { paused: false, every: '1h', name: null } });
    expect(resumed.json()).toMatchObject({ state: 'active', name: null, schedule: { every: '1h' } });
    expect((await rig.server.ctx.captureQueue.getJobScheduler(`target:${t.id}`))?.every).toBe(3_600_000);
  });

  it.each([
    [{ every: 'soon' }, 'every'],
    [{ every: '1h', cron: '0 * * * *' }, 'schedule'],
    [{ options: { confirm: 0 } }, 'options.confirm'],
    [{ options: { notFound: ['('] } }, 'options.notFound.0'],
    [{ paused: 'yes please' }, 'paused'],
    [{ tags: ['bad tag'] }, 'tags.0'],
    [{ pause: true }, 'pause'],
    [{ options: { confrim: 3 } }, 'options.confrim'],
    [{ options: { fullEvery: 'weekly' } }, 'options.fullEvery'],
    [{ options: { fullEvery: '10s' } }, 'options.fullEvery'],
  ])('PATCH 400 naming the field for %j', async (payload, field) => {
    const t = await create();
    const res = await rig.server.app.inject({ method: 'PATCH', url: `/api/targets/${t.id}`, headers: rig.server.as('operator'), payload });
    expect(res.statusCode, res.body).toBe(400);
    expect(res.json()).toMatchObject({ error: 'invalid_input', field });
  });

  it('takes fullEvery in the options of POST and PATCH, and shows what the tiers learned in `tier`', async () => {
    const t = await create({ options: { fullEvery: '12h', phrases: ['Goita'] } });
    expect(t.options.fullEvery).toBe('12h');
    const patched = await rig.server.app.inject({ method: 'PATCH', url: `/api/targets/${t.id}`, headers: rig.server.as('operator'), payload: { options: { fullEvery: '2d' } } });
    expect(patched.statusCode, patched.body).toBe(200);
    expect((patched.json() as Target).options).toMatchObject({ fullEvery: '2d', phrases: ['Goita'] });

    const fullAt = new Date('2026-06-01T00:00:00.000Z');
    await putTierState(rig.server.ctx.pool, { targetId: t.id, scriptDependent: true, plainPrint: null, etag: null, lastModified: null, trustsValidators: true, fullSnapshotId: null, fullAt });
    const shown = await rig.server.app.inject({ method: 'GET', url: `/api/targets/${t.id}`, headers: rig.server.as('reviewer') });
    expect(shown.json()).toMatchObject({
      options: { fullEvery: '2d' },
      tier: { scriptDependent: true, trustsValidators: true, fullEvery: '2d', lastFullCaptureAt: fullAt.toISOString(), lastFullSnapshotId: null, nextFullCaptureDue: '2026-06-03T00:00:00.000Z' },
    });
  });

  it('PATCH and DELETE of an unknown target are 404', async () => {
    expect((await rig.server.app.inject({ method: 'PATCH', url: '/api/targets/999999', headers: rig.server.as('operator'), payload: { paused: true } })).statusCode).toBe(404);
    expect((await rig.server.app.inject({ method: 'DELETE', url: '/api/targets/999999', headers: rig.server.as('operator') })).statusCode).toBe(404);
  });

  it('deletes a target with its schedule', async () => {
    const t = await create();
    const res = await rig.server.app.inject({ method: 'DELETE', url: `/api/targets/${t.id}`, headers: rig.server.as('admin') });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: t.id });
    expect(await rig.server.ctx.captureQueue.getJobScheduler(`target:${t.id}`)).toBeFalsy();
    expect((await rig.server.app.inject({ method: 'GET', url: `/api/targets/${t.id}`, headers: rig.server.as('admin') })).statusCode).toBe(404);
  });

  it('check now queues a capture and answers 202 with the job id; ?wait=true with no worker is a 503', async () => {
    const t = await create();
    const res = await rig.server.app.inject({ method: 'POST', url: `/api/targets/${t.id}/check`, headers: rig.server.as('operator') });
    expect(res.statusCode, res.body).toBe(202);
    const body = res.json() as { targetId: number; jobId: string; queue: string };
    expect(body).toMatchObject({ targetId: t.id, queue: 'capture' });
    const job = await rig.server.ctx.captureQueue.getJob(body.jobId);
    expect(job?.data).toEqual({ targetId: t.id, reason: 'manual' });

    const waited = await rig.server.app.inject({ method: 'POST', url: `/api/targets/${t.id}/check?wait=true`, headers: rig.server.as('operator') });
    expect(waited.statusCode).toBe(503);
    expect(waited.json()).toMatchObject({ error: 'no_worker' });
    expect((await rig.server.app.inject({ method: 'POST', url: '/api/targets/999999/check', headers: rig.server.as('operator') })).statusCode).toBe(404);
    expect((await rig.server.app.inject({ method: 'POST', url: `/api/targets/${t.id}/check`, headers: rig.server.as('reviewer') })).statusCode).toBe(403);
  });
});
