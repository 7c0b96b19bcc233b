import type { Config } from '../config.ts';
import type { Subscription } from '../db/subscriptions.ts';
import { parseDuration } from '../target-model/schedule.ts';
import { deliveryJobOptions, type NotifyQueue } from '../queue/notify-jobs.ts';
import { JOB, schedulerIds } from '../queue/vocabulary.ts';

/**
 * Creates or updates a digest subscription's job scheduler (`digest-<id>`). BullMQ aligns `every` to the clock;
 * an offset of the subscription's creation time within the interval makes each digest fall a whole interval
 * after the last — never seconds after subscribing — and stays the same at every reconcile.
 */
export async function scheduleDigest(queue: NotifyQueue, config: Config, s: Pick<Subscription, 'id' | 'digestEvery' | 'createdAt'>): Promise<void> {
  if (!s.digestEvery) return;
  const every = parseDuration(s.digestEvery, 'digest');
  await queue.upsertJobScheduler(
    schedulerIds.digest(s.id),
    { every, offset: Date.parse(s.createdAt) % every },
    { name: JOB.digest, data: { kind: JOB.digest, subscriptionId: s.id }, opts: deliveryJobOptions(config) },
  );
}
