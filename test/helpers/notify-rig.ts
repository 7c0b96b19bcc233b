import { afterAll, beforeAll } from 'vitest';
import { startNotifyWorker, type RunningNotifyWorker } from '../../src/app/notify-worker.ts';
import { processors } from '../../jobs/index.ts';
import { ready, type ContextRig } from './context-rig.ts';

/** Delivery settings a test can wait out: retries 100 ms apart, backoff capped at 1 s, webhooks given 1 s to answer. */
export const QUICK_DELIVERY = {
  SCRUBWATCH_NOTIFY_RETRY_DELAY: '100ms',
  SCRUBWATCH_NOTIFY_MAX_BACKOFF: '1s',
  SCRUBWATCH_WEBHOOK_TIMEOUT: '1s',
} as const;

/**
 * Starts a notify worker on the rig's context once the rig is up, and closes it before the rig comes down (call
 * it after the rig). Its queue is what tests hand to the functions that add subscriptions and queue deliveries.
 */
export function useNotifyWorker(rig: ContextRig): Pick<RunningNotifyWorker, 'queue'> {
  let running: RunningNotifyWorker | undefined;
  beforeAll(async () => {
    running = await startNotifyWorker(rig.ctx, processors.notify);
  });
  afterAll(async () => {
    await running?.close();
  });
  return {
    get queue() {
      return ready(running, 'notify worker', 'queue').queue;
    },
  };
}
