import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UnrecoverableError, type Queue, type QueueEvents, type QueueEventsOptions, type Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { Config } from '../../src/config.ts';
import { JobWaiter } from '../../src/queue/job-waiter.ts';
import { migrateQueueSchema } from '../../src/queue/postgres-backend.ts';
import { createQueue, createQueueEvents, createWorker, postgresQueueBackend, redisQueueBackend, type QueueBackend } from '../../src/queue/queues.ts';
import { testConfig } from '../helpers/context.ts';
import { createTestDatabase } from '../helpers/database.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { TEST_REDIS_URL } from '../helpers/services.ts';

interface Backend {
  config: Config;
  backend: QueueBackend;
  close(): Promise<void>;
}

const backends: Array<[string, () => Promise<Backend>]> = [
  [
    'Redis',
    async () => {
      const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: null });
      const config = testConfig('postgres://unused', uniquePrefix());
      return {
        config,
        backend: redisQueueBackend(redis),
        async close() {
          redis.disconnect();
          await deletePrefixKeys(config.queuePrefix);
        },
      };
    },
  ],
  [
    'Postgres',
    async () => {
      const db = await createTestDatabase();
      const config = testConfig(db.url, uniquePrefix(), { REDIS_URL: '' });
      await migrateQueueSchema(db.pool, config.queueSchema);
      return { config, backend: postgresQueueBackend(db.url, config.queueSchema), close: () => db.drop() };
    },
  ],
];

type Result = { doubled: number };

// One body for both backends: `check` must not be able to tell which one holds its jobs.
describe.each(backends)('waiting for jobs on %s: events, and the jobs state when an event never comes', (_name, open) => {
  let store: Backend;
  let queue: Queue<{ n: number }, Result, string>;
  let worker: Worker<{ n: number }, Result, string>;
  const closers: Array<() => Promise<void>> = [];
  const name = `waiter-${uniquePrefix()}`;

  function listen(queueName: string, options: Pick<QueueEventsOptions, 'lastEventId'> = {}): QueueEvents {
    const events = createQueueEvents(queueName, store.config, store.backend, options);
    closers.push(() => events.close());
    return events;
  }

  beforeAll(async () => {
    store = await open();
    queue = createQueue(name, store.config, store.backend, {});
    worker = createWorker<{ n: number }, Result>(name, store.config, store.backend, async (job) => {
      if (job.data.n < 0) throw new UnrecoverableError(`cannot double ${job.data.n}`);
      return { doubled: job.data.n * 2 };
    }, { concurrency: 4 });
    await worker.waitUntilReady();
  });
  afterAll(async () => {
    for (const close of closers) await close();
    await worker?.close();
    await queue?.close();
    await store?.close();
  });

  it('settles each job from its event', async () => {
    // Read from the queue's first event: waitUntilReady does not wait for the reader to fix its "from now on"
    // cursor, and an event written before that would be lost. No other test has used this queue yet.
    const events = listen(name, { lastEventId: '0' });
    await events.waitUntilReady();
    // Polling once a minute: only the events can settle these in time.
    const waiter = new JobWaiter<Result>(queue, events, 60_000);
    try {
      // One job at a time: jobs finishing together on Postgres may commit their events out of id order, and the
      // backend's reader then skips one — the loss the polling is there for, which this test must not depend on.
      const results: Result[] = [];
      for (const n of [1, 2, 3]) {
        const job = await queue.add('double', { n });
        results.push(await waiter.wait(job.id!, 30_000));
      }
      expect(results).toEqual([{ doubled: 2 }, { doubled: 4 }, { doubled: 6 }]);
    } finally {
      waiter.close();
    }
  });

  it('settles jobs whose events never arrive from their state, failures included', async () => {
    // Events of another queue: none of these jobs' events reach the waiter, as when the backend loses them.
    const elsewhere = listen(`${name}-elsewhere`);
    await elsewhere.waitUntilReady();
    const waiter = new JobWaiter<Result>(queue, elsewhere, 200);
    try {
      const [ok, bad] = await queue.addBulk([{ name: 'double', data: { n: 21 } }, { name: 'double', data: { n: -1 } }]);
      expect(await waiter.wait(ok!.id!, 30_000)).toEqual({ doubled: 42 });
      await expect(waiter.wait(bad!.id!, 30_000)).rejects.toThrow('cannot double -1');
    } finally {
      waiter.close();
    }
  });

  it('gives up after its timeout, saying why, and rejects what still waits when closed', async () => {
    const events = listen(name);
    await events.waitUntilReady();
    const idle = createQueue<{ n: number }, Result>(`${name}-no-worker`, store.config, store.backend, {});
    closers.push(() => idle.close());
    const waiter = new JobWaiter<Result>(idle, events, 200);
    const [late, left] = await idle.addBulk([{ name: 'double', data: { n: 1 } }, { name: 'double', data: { n: 2 } }]);
    const started = Date.now();
    await expect(waiter.wait(late!.id!, 500)).rejects.toThrow(/did not finish within 0.5 s \(are the workers stopped, or busy with other jobs\?\)/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    const pending = waiter.wait(left!.id!, 60_000);
    waiter.close();
    await expect(pending).rejects.toThrow('stopped waiting: the command is closing');
  });
});
