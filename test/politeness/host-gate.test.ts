import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { hostKey, type HostGate, type HostGateLimits } from '../../src/politeness/host-gate.ts';
import { createPostgresHostGate } from '../../src/politeness/postgres-host-gate.ts';
import { createRedisHostGate } from '../../src/politeness/redis-host-gate.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';
import { TEST_REDIS_URL } from '../helpers/services.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A store the gate keeps its state in: `gate` makes gates (workers) sharing that state. */
interface GateStore {
  gate(limits: HostGateLimits): HostGate;
  close(): Promise<void>;
}

const stores: Array<[string, () => Promise<GateStore>]> = [
  [
    'Redis',
    async () => {
      const redis = new Redis(TEST_REDIS_URL);
      const prefix = uniquePrefix();
      return {
        gate: (limits) => createRedisHostGate(redis, prefix, limits),
        async close() {
          redis.disconnect();
          await deletePrefixKeys(prefix);
        },
      };
    },
  ],
  [
    'Postgres',
    async () => {
      const db: TestDatabase = await createTestDatabase();
      return { gate: (limits) => createPostgresHostGate(db.pool, limits), close: () => db.drop() };
    },
  ],
];

it('keys hosts by lower-cased name without the port', () => {
  expect(hostKey('https://WWW.Army.mil:8443/article/1?x=1')).toBe('www.army.mil');
});

// One body for every implementation: the jobs must not be able to tell which store holds the gate.
describe.each(stores)('the per-host gate shared through %s', (_name, open) => {
  let store: GateStore;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('lets one capture of a host run at a time, tells the next how long to wait, and frees the slot on release', async () => {
    const gate = store.gate({ perHost: 1, gapMs: 0 });
    expect(await gate.acquire('a.example', 'job-1', 60_000)).toEqual({ granted: true });
    const second = await gate.acquire('a.example', 'job-2', 60_000);
    expect(second).toMatchObject({ granted: false, reason: 'busy' });
    // A busy host is asked again within seconds, not after the 60 s lease.
    expect(second.granted === false && second.retryInMs).toBeGreaterThan(0);
    expect(second.granted === false && second.retryInMs).toBeLessThanOrEqual(2_500);
    expect(await gate.acquire('b.example', 'job-3', 60_000)).toEqual({ granted: true });
    expect(await gate.acquire('a.example', 'job-1', 60_000)).toEqual({ granted: true });
    await gate.release('a.example', 'job-1');
    expect(await gate.acquire('a.example', 'job-2', 60_000)).toEqual({ granted: true });
  });

  it('keeps the gap between two starts on one host, across gates (workers) sharing the store', async () => {
    // Long enough that the second ask reaches the store inside the gap even when a query or the event loop stalls.
    const gapMs = 2_000;
    const one = store.gate({ perHost: 2, gapMs });
    const other = store.gate({ perHost: 2, gapMs });
    expect(await one.acquire('gap.example', 'g-1', 60_000)).toEqual({ granted: true });
    const early = await other.acquire('gap.example', 'g-2', 60_000);
    expect(early).toMatchObject({ granted: false, reason: 'gap' });
    expect(early.granted === false && early.retryInMs).toBeLessThanOrEqual(gapMs + 500);
    await sleep(early.granted ? 0 : early.retryInMs);
    expect(await other.acquire('gap.example', 'g-2', 60_000)).toEqual({ granted: true });
    expect(await one.acquire('gap.example', 'g-3', 60_000)).toMatchObject({ granted: false });
  });

  it('frees the slot of a holder that died, once its lease ends', async () => {
    const gate = store.gate({ perHost: 1, gapMs: 0 });
    // Long enough that the second ask reaches the store before the lease ends even when a query or the event loop stalls.
    const leaseMs = 2_000;
    expect(await gate.acquire('crash.example', 'dead-job', leaseMs)).toEqual({ granted: true });
    expect(await gate.acquire('crash.example', 'next-job', 60_000)).toMatchObject({ granted: false, reason: 'busy' });
    await sleep(leaseMs + 100);
    expect(await gate.acquire('crash.example', 'next-job', 60_000)).toEqual({ granted: true });
  });

  it('grants exactly the host limit when many workers ask at once', async () => {
    const gates = Array.from({ length: 8 }, () => store.gate({ perHost: 3, gapMs: 0 }));
    const answers = await Promise.all(gates.map((g, i) => g.acquire('rush.example', `rush-${i}`, 60_000)));
    expect(answers.filter((a) => a.granted)).toHaveLength(3);
    expect(answers.filter((a) => !a.granted).every((a) => !a.granted && a.reason === 'busy')).toBe(true);
  });

  it('counts the waits per host for /metrics', async () => {
    const waits = await store.gate({ perHost: 1, gapMs: 0 }).waits();
    const a = waits.find((w) => w.host === 'a.example');
    expect(a?.count).toBe(1);
    expect(a?.totalMs).toBeGreaterThan(0);
    expect(waits.find((w) => w.host === 'crash.example')?.count).toBe(1);
    expect(waits.find((w) => w.host === 'rush.example')?.count).toBe(5);
    expect(waits.find((w) => w.host === 'b.example')).toBeUndefined();
  });
});
