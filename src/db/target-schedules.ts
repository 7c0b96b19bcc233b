import type { Queryable } from './pool.ts';
import type { Target } from './targets.ts';

/** What reconciling a target's scheduler reads of it (see reconcileSchedules). */
export type ScheduledTarget = Pick<Target, 'id' | 'kind' | 'state' | 'schedule'>;

interface ScheduledRow {
  id: number;
  kind: Target['kind'];
  schedule_every: string | null;
  schedule_cron: string | null;
  screening: string | null;
}

/**
 * Every target that has a schedule (active, or awaiting its screening verdict: isScheduled), with only what its
 * scheduler is made of. Unlike listTargets it neither joins the watch state nor probes the snapshots of targets
 * never captured — all of them, after a large import — so a worker start restoring 100,000 schedules reads less.
 */
export async function listScheduledTargets(db: Queryable): Promise<ScheduledTarget[]> {
  const { rows } = await db.query<ScheduledRow>(
    `select id, kind, schedule_every, schedule_cron, screening from targets
      where not paused and (screening is null or screening = 'pending') order by id`,
  );
  return rows.map((r) => ({
    id: Number(r.id),
    kind: r.kind,
    state: r.screening === 'pending' ? 'screening' : 'active',
    schedule: r.schedule_cron !== null ? { cron: r.schedule_cron } : { every: r.schedule_every ?? '' },
  }));
}
