import type { Source } from '../db/sources.ts';
import { parseDuration } from '../target-model/schedule.ts';
import { CAPTURE_JOB_OPTIONS, type DiscoverQueue } from './queues.ts';
import { JOB, schedulerIds } from './vocabulary.ts';
import { listSchedulers } from './schedules.ts';

const SOURCE_SCHEDULER = /^source:\d+$/;

/**
 * The first read a new scheduler of the source makes: one interval after the source was added, or — for a
 * scheduler made again later (resumed, restored after Redis lost its data) — the next slot of that cadence still
 * to come, so a restore neither reads every source at once nor shifts when each is read.
 */
export function firstScheduledRead(createdAt: string, every: number, now: number): Date {
  const created = Date.parse(createdAt);
  const slots = Math.max(1, Math.ceil((now - created) / every));
  return new Date(created + slots * every);
}

/**
 * Creates or updates an active source's scheduler (`source:<id>` on `discover`), or removes a paused one's. The
 * first scheduled read falls one interval after the source was added (`sources run` reads it at once): adding a
 * source is not a read of it, and a reconcile leaves a matching scheduler's next run alone.
 */
export async function syncSourceSchedule(queue: DiscoverQueue, source: Source): Promise<void> {
  if (source.state !== 'active') {
    await queue.removeJobScheduler(schedulerIds.source(source.id));
    return;
  }
  const every = parseDuration(source.every);
  await queue.upsertJobScheduler(
    schedulerIds.source(source.id),
    { every, startDate: firstScheduledRead(source.createdAt, every, Date.now()) },
    { name: JOB.discover, data: { sourceId: source.id, reason: 'schedule' }, opts: CAPTURE_JOB_OPTIONS },
  );
}

export async function removeSourceSchedule(queue: DiscoverQueue, sourceId: number): Promise<void> {
  await queue.removeJobScheduler(schedulerIds.source(sourceId));
}

/**
 * Makes the discover queue's schedulers match the sources in Postgres: every active source has one at its
 * interval, nothing else keeps one. Matching schedulers are left alone; after Redis lost its data each comes back.
 */
export async function reconcileSourceSchedules(queue: DiscoverQueue, sources: Source[]): Promise<{ created: number; removed: number; unchanged: number }> {
  const existing = await listSchedulers(queue, (id) => SOURCE_SCHEDULER.test(id));
  const result = { created: 0, removed: 0, unchanged: 0 };
  const wanted = new Set<string>();
  for (const source of sources) {
    if (source.state !== 'active') continue;
    const id = schedulerIds.source(source.id);
    wanted.add(id);
    if (existing.get(id)?.every === parseDuration(source.every)) {
      result.unchanged += 1;
      continue;
    }
    await syncSourceSchedule(queue, source);
    result.created += 1;
  }
  for (const id of existing.keys()) {
    if (wanted.has(id)) continue;
    await queue.removeJobScheduler(id);
    result.removed += 1;
  }
  return result;
}
