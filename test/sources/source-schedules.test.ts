import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';
import { addSource, setPausedSource } from '../../src/sources/manage-sources.ts';
import { firstScheduledRead } from '../../src/queue/source-schedules.ts';
import { schedulerIds } from '../../src/queue/vocabulary.ts';
import type { Context } from '../../src/context.ts';
import { useContextRig } from '../helpers/context-rig.ts';
import { createTestContext, type TestContext } from '../helpers/context.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { deletePrefixKeys } from '../helpers/queue-prefix.ts';

const HOUR = 3_600_000;

async function sourceSchedulers(ctx: Context): Promise<string[]> {
  return (await ctx.discoverQueue.getJobSchedulers(0, -1, true)).map((s) => s.key).sort();
}

/** When the source's next scheduled read is due: its scheduler's next run, and the delayed job that carries it. */
async function nextRead(ctx: Context, sourceId: number): Promise<{ scheduler: number; job: number }> {
  const scheduler = await ctx.discoverQueue.getJobScheduler(schedulerIds.source(sourceId));
  const jobs = (await ctx.discoverQueue.getJobs(['delayed', 'waiting'])).filter((j) => j.data.sourceId === sourceId);
  expect(jobs).toHaveLength(1);
  return { scheduler: Number(scheduler?.next), job: jobs[0]!.timestamp + (jobs[0]!.opts.delay ?? 0) };
}

describe.each([
  ['Redis', {}],
  ['BullMQ\'s Postgres backend', { REDIS_URL: '' }],
])('the first scheduled read of a source, on %s', (_name, env) => {
  let db: TestDatabase;
  let ctx: TestContext;
  beforeAll(async () => {
    db = await createTestDatabase();
    ctx = await createTestContext(db.url, env);
  });
  afterAll(async () => {
    await ctx?.dispose();
    await db?.drop();
  });

  it('falls one interval after the source was added, not at once', async () => {
    const source = await addSource(ctx, { url: 'http://127.0.0.1:9/sitemap.xml', kind: 'sitemap', every: '6h' });
    const due = Date.parse(source.createdAt) + 6 * HOUR;
    const next = await nextRead(ctx, source.id);
    expect(Math.abs(next.scheduler - due)).toBeLessThan(1_000);
    expect(Math.abs(next.job - due)).toBeLessThan(1_000);
    expect((await ctx.discoverQueue.getJobScheduler(schedulerIds.source(source.id)))?.template?.data).toEqual({ sourceId: source.id, reason: 'schedule' });
  });

  it('keeps the cadence when its scheduler is made again (resumed): the next slot still to come', async () => {
    const source = await addSource(ctx, { url: 'http://127.0.0.1:9/feed.xml', kind: 'feed', every: '1h' });
    await setPausedSource(ctx, source.id, true);
    expect(await sourceSchedulers(ctx)).not.toContain(schedulerIds.source(source.id));
    await setPausedSource(ctx, source.id, false);
    const next = await nextRead(ctx, source.id);
    expect(Math.abs(next.job - (Date.parse(source.createdAt) + HOUR))).toBeLessThan(1_000);
  });
});

describe('firstScheduledRead', () => {
  it('is one interval after adding, then the next slot of that cadence after now', () => {
    const created = '2026-01-01T00:00:00.000Z';
    const at = Date.parse(created);
    expect(firstScheduledRead(created, HOUR, at).getTime()).toBe(at + HOUR);
    expect(firstScheduledRead(created, HOUR, at + 10 * HOUR + 5).getTime()).toBe(at + 11 * HOUR);
  });
});

describe('source schedulers when Redis loses the queues', () => {
  const rig = useContextRig({ SCRUBWATCH_REDIS_CHECK_INTERVAL: '1s' });

  it('come back from Postgres: at worker start, and while a worker runs', async () => {
    const a = await addSource(rig.ctx, { url: 'http://127.0.0.1:9/a.xml', kind: 'sitemap' });
    const b = await addSource(rig.ctx, { url: 'http://127.0.0.1:9/b.xml', kind: 'archive' });
    const paused = await addSource(rig.ctx, { url: 'http://127.0.0.1:9/c.xml', kind: 'sitemap' });
    await setPausedSource(rig.ctx, paused.id, true);
    const want = [schedulerIds.source(a.id), schedulerIds.source(b.id)].sort();
    expect(await sourceSchedulers(rig.ctx)).toEqual(want);
    const dueA = (await nextRead(rig.ctx, a.id)).job;

    expect(await deletePrefixKeys(rig.ctx.config.queuePrefix)).toBeGreaterThan(0);
    expect(await sourceSchedulers(rig.ctx)).toEqual([]);
    const worker = await startWorker(rig.ctx, processors);
    try {
      expect(await sourceSchedulers(rig.ctx)).toEqual(want);
      expect(Math.abs((await nextRead(rig.ctx, a.id)).job - dueA)).toBeLessThan(1_000);

      await deletePrefixKeys(rig.ctx.config.queuePrefix);
      const deadline = Date.now() + 15_000;
      while ((await sourceSchedulers(rig.ctx)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await sourceSchedulers(rig.ctx)).toEqual(want);
    } finally {
      await worker.close();
    }
  });
});
