import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { createRedisHostGate } from '../../src/politeness/redis-host-gate.ts';
import { hostKey } from '../../src/politeness/host-gate.ts';
import { TEST_REDIS_URL } from '../helpers/services.ts';
import { deletePrefixKeys, uniquePrefix } from '../helpers/queue-prefix.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the per-host gate shared through Redis', () => {
  const prefix = uniquePrefix();
  let redis: Redis;
  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });
  afterAll(async () => {
    redis.disconnect();
    await deletePrefixKeys(prefix);
  });

  it('keys hosts by lower-cased name without the port', () => {
    expect(hostKey('https://WWW.Army.mil:8443/article/1?x=1')).toBe('www.army.mil');
  });

  it('lets one capture of a host run at a time, tells the next how long to wait, and frees the slot on release', async () => {
    const gate = createRedisHostGate(redis, prefix, { perHost: 1, gapMs: 0 });
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

  it('keeps the gap between two starts on one host, across gates (workers) sharing the Redis', async () => {
    const one = createRedisHostGate(redis, prefix, { perHost: 2, gapMs: 400 });
    const other = createRedisHostGate(redis, prefix, { perHost: 2, gapMs: 400 });
    expect(await one.acquire('gap.example', 'g-1', 60_000)).toEqual({ granted: true });
    const early = await other.acquire('gap.example', 'g-2', 60_000);
    expect(early).toMatchObject({ granted: false, reason: 'gap' });
    await sleep(early.granted ? 0 : early.retryInMs);
    expect(await other.acquire('gap.example', 'g-2', 60_000)).toEqual({ granted: true });
    expect(await one.acquire('gap.example', 'g-3', 60_000)).toMatchObject({ granted: false });
  });

  it('frees the slot of a holder that died, once its lease ends', async () => {
    const gate = createRedisHostGate(redis, prefix, { perHost: 1, gapMs: 0 });
    expect(await gate.acquire('crash.example', 'dead-job', 200)).toEqual({ granted: true });
    expect(await gate.acquire('crash.example', 'next-job', 60_000)).toMatchObject({ granted: false, reason: 'busy' });
    await sleep(300);
    expect(await gate.acquire('crash.example', 'next-job', 60_000)).toEqual({ granted: true });
  });

  it('counts the waits per host for /metrics', async () => {
    const gate = createRedisHostGate(redis, prefix, { perHost: 1, gapMs: 0 });
    const waits = await gate.waits();
    const a = waits.find((w) => w.host === 'a.example');
    expect(a?.count).toBe(1);
    expect(a?.totalMs).toBeGreaterThan(0);
    expect(waits.find((w) => w.host === 'crash.example')?.count).toBe(1);
    expect(waits.find((w) => w.host === 'b.example')).toBeUndefined();
  });
});
