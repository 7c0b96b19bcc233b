import type { Redis } from 'ioredis';
import type { HostGate, HostGateAnswer, HostGateLimits, HostWait } from './host-gate.ts';

/** A busy host is asked again after about this long, spread a little so waiting jobs do not return together. */
const BUSY_RETRY_MS = 2_000;
const RETRY_SPREAD_MS = 500;
/** Idle hosts' keys expire after this long past their last use. */
const KEY_IDLE_MS = 24 * 3600_000;

// One round trip, atomic, on Redis's own clock (workers on several machines need not agree on the time).
// KEYS: holders (zset holder -> lease end), last (start time of the last capture), waits (hash)
// ARGV: holder, leaseMs, perHost, gapMs, idleMs
// Returns 0 when granted, else [-1 busy | -2 gap, wait in ms].
const ACQUIRE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local holder, lease, perHost, gap, idle = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZSCORE', KEYS[1], holder) then
  redis.call('ZADD', KEYS[1], now + lease, holder)
  return 0
end
if redis.call('ZCARD', KEYS[1]) >= perHost then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return {-1, tonumber(first[2]) - now}
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now - last < gap then
  return {-2, gap - (now - last)}
end
redis.call('ZADD', KEYS[1], now + lease, holder)
redis.call('PEXPIRE', KEYS[1], lease + idle)
redis.call('SET', KEYS[2], now, 'PX', gap + idle)
return 0
`;

/** The HostGate on the queue's Redis, under `<prefix>:host:<host>:*`. */
export function createRedisHostGate(redis: Redis, prefix: string, limits: HostGateLimits): HostGate {
  const key = (host: string, part: string) => `${prefix}:host:${host}:${part}`;
  const waitsKey = `${prefix}:host-waits`;
  return {
    async acquire(host, holder, leaseMs): Promise<HostGateAnswer> {
      const answer = (await redis.eval(ACQUIRE, 2, key(host, 'holders'), key(host, 'last'), holder, leaseMs, limits.perHost, limits.gapMs, KEY_IDLE_MS)) as
        | number
        | [number, number];
      if (answer === 0) return { granted: true };
      const [code, waitMs] = answer as [number, number];
      const reason = code === -1 ? 'busy' : 'gap';
      // A busy host frees its slot when its capture ends, usually long before the lease runs out: ask again soon.
      const base = reason === 'busy' ? Math.min(Math.max(waitMs, 1), BUSY_RETRY_MS) : Math.max(waitMs, 1);
      const retryInMs = base + Math.floor(Math.random() * RETRY_SPREAD_MS);
      await redis.multi().hincrby(waitsKey, `${host}|count`, 1).hincrby(waitsKey, `${host}|ms`, retryInMs).exec();
      return { granted: false, retryInMs, reason };
    },
    async release(host, holder) {
      await redis.zrem(key(host, 'holders'), holder);
    },
    async waits(): Promise<HostWait[]> {
      const raw = await redis.hgetall(waitsKey);
      const byHost = new Map<string, HostWait>();
      for (const [field, value] of Object.entries(raw)) {
        const cut = field.lastIndexOf('|');
        const host = field.slice(0, cut);
        const entry = byHost.get(host) ?? { host, count: 0, totalMs: 0 };
        if (field.slice(cut + 1) === 'count') entry.count = Number(value);
        else entry.totalMs = Number(value);
        byHost.set(host, entry);
      }
      return [...byHost.values()].sort((a, b) => b.totalMs - a.totalMs);
    },
  };
}
