import { loadConfig } from '../../src/config.ts';
import type { Target } from '../../src/db/targets.ts';
import { createCaptureQueue, createRedis, createTweetQueue, redisQueueBackend } from '../../src/queue/queues.ts';
import { queueFor, schedulerId, type WatchQueues } from '../../src/queue/schedules.ts';

type Unscheduled = Pick<Target, 'id' | 'kind'>;

/**
 * Leaves a target to the captures its test asks for while a worker runs. Adding a target queues its first capture
 * seconds to minutes ahead (a delay fixed per target id), and an `every` schedule fires at epoch-aligned slots plus
 * an offset of up to 15 minutes: either can land mid-test and add a snapshot, or raise the alert the test's own
 * check should. Both are taken off the queue here. A worker that starts afterwards puts the scheduler back from
 * Postgres, so call this again once it has started.
 *
 * Fails when the target has no scheduler on this queue (a wrong queue or prefix would otherwise remove nothing
 * without a word) and when its first capture already left the delayed set (it ran, or is running).
 */
export async function unschedule(queues: WatchQueues, target: Unscheduled): Promise<void> {
  const queue = queueFor(queues, target.kind);
  if (!(await queue.removeJobScheduler(schedulerId(target.id)))) throw new Error(`target ${target.id} has no scheduler on the ${queue.name} queue`);
  const first = await queue.getJob(`first-${target.id}`);
  if (!first) return;
  const state = await first.getState();
  // Removing an active job returns 0: it was taken between the two calls.
  if (state !== 'delayed' || (await queue.remove(first.id!)) !== 1) throw new Error(`the first capture of target ${target.id} was no longer waiting (${state})`);
}

/** `unschedule` for targets a CLI process added: through queues on `env`'s Redis and prefix. */
export async function unscheduleForCli(env: Record<string, string>, targets: Unscheduled[]): Promise<void> {
  const config = loadConfig(env);
  const redis = createRedis(config);
  const backend = redisQueueBackend(redis);
  const queues: WatchQueues = {
    captureQueue: createCaptureQueue(config, backend),
    tweetQueue: createTweetQueue(config, backend),
  };
  try {
    for (const target of targets) await unschedule(queues, target);
  } finally {
    await queues.captureQueue.close();
    await queues.tweetQueue.close();
    redis.disconnect();
  }
}
