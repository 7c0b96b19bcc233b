import { afterAll, beforeAll } from 'vitest';
import type { Context } from '../../src/context.ts';
import { startWorker, type RunningWorker } from '../../src/app/workers.ts';
import { processors } from '../../jobs/index.ts';

/**
 * A real worker (every processor, as `scrubwatch worker` runs them) on the rig's queues for the calling test file
 * or describe block: started before its tests, closed after them. Call it after the rig, so the worker closes first.
 */
export function useWorker(rig: { readonly ctx: Context }): void {
  let worker: RunningWorker | undefined;
  beforeAll(async () => {
    worker = await startWorker(rig.ctx, processors);
  });
  afterAll(async () => {
    await worker?.close();
  });
}
