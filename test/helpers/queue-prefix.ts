import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { TEST_REDIS_URL } from './services.ts';

/** A queue prefix no other test (or person) uses. */
export function uniquePrefix(): string {
  return `swtest-${randomBytes(5).toString('hex')}`;
}

/** Deletes every Redis key under `prefix` — what a FLUSHALL does to scrubwatch, leaving other prefixes alone. */
export async function deletePrefixKeys(prefix: string, redisUrl: string = TEST_REDIS_URL): Promise<number> {
  const redis = new Redis(redisUrl);
  try {
    let deleted = 0;
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== '0');
    return deleted;
  } finally {
    redis.disconnect();
  }
}
