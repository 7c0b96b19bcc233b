import type { Redis } from 'ioredis';
import type { Logger } from 'pino';

/**
 * Notices when Redis lost scrubwatch's queues — a FLUSHALL, or a restart without persistence — so the schedules
 * (and the delivery outbox) can be restored from Postgres at once, not at the next worker start.
 *
 * How: after restoring, a worker sets a marker key under the queue prefix; a Redis that lost its data no longer
 * has it. Every worker checks the marker every `everyMs` and whenever its connection becomes ready again (a
 * restart), and restores when it is missing. Restoring is idempotent, so several workers doing it at once is fine.
 */
export interface RedisLossWatch {
  /** Stops checking; waits (a little) for a restore in progress. */
  stop(): Promise<void>;
}

const STOP_WAIT_MS = 5_000;

export function markerKey(queuePrefix: string): string {
  return `${queuePrefix}:scrubwatch:restored`;
}

/**
 * Sets the marker, then runs `restore` (the other order could miss a flush landing between the two); a failed
 * restore drops the marker again so the next check retries it.
 */
export async function restoreAndMark(redis: Redis, queuePrefix: string, restore: () => Promise<void>): Promise<void> {
  await redis.set(markerKey(queuePrefix), new Date().toISOString());
  try {
    await restore();
  } catch (err) {
    await redis.del(markerKey(queuePrefix)).catch(() => undefined);
    throw err;
  }
}

export function watchForRedisLoss(redis: Redis, queuePrefix: string, everyMs: number, restore: () => Promise<void>, logger: Logger): RedisLossWatch {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;

  const check = async (): Promise<void> => {
    if ((await redis.exists(markerKey(queuePrefix))) === 1) return;
    const started = Date.now();
    logger.warn({ queuePrefix }, 'redis lost the queues: restoring schedules from postgres');
    await restoreAndMark(redis, queuePrefix, restore);
    logger.info({ queuePrefix, ms: Date.now() - started }, 'queues restored after redis data loss');
  };
  const tick = (): void => {
    if (stopped || running) return;
    clearTimeout(timer);
    running = check()
      .catch((err: unknown) => logger.warn({ err: (err as Error).message }, 'redis loss check failed; retrying'))
      .finally(() => {
        running = undefined;
        if (!stopped) timer = setTimeout(tick, everyMs);
      });
  };
  const onReady = (): void => tick();

  redis.on('ready', onReady);
  timer = setTimeout(tick, everyMs);
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      redis.off('ready', onReady);
      // A check waiting on a Redis that is down would wait forever: shutdown does not.
      await Promise.race([running, new Promise((r) => setTimeout(r, STOP_WAIT_MS).unref())]);
    },
  };
}
