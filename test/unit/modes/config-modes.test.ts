import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';

const PG = 'postgres://postgres@127.0.0.1:5432/scrubwatch';
const REDIS = 'redis://127.0.0.1:6379';

describe('the mode, chosen from the environment', () => {
  it('runs production on Redis and Postgres when both URLs are set', () => {
    expect(loadConfig({ DATABASE_URL: PG, REDIS_URL: REDIS })).toMatchObject({ mode: 'redis', databaseUrl: PG, redisUrl: REDIS });
  });

  it('keeps the queues in Postgres, in their own schema, without REDIS_URL', () => {
    expect(loadConfig({ DATABASE_URL: PG })).toMatchObject({ mode: 'postgres-queue', redisUrl: undefined, queueSchema: 'scrubwatch_queue' });
    expect(loadConfig({ DATABASE_URL: PG, REDIS_URL: '', SCRUBWATCH_QUEUE_SCHEMA: 'jobs_2' })).toMatchObject({ mode: 'postgres-queue', queueSchema: 'jobs_2' });
  });

  it('runs everything on the embedded Postgres in ./scrubwatch-data with neither', () => {
    expect(loadConfig({})).toMatchObject({ mode: 'embedded', databaseUrl: undefined, redisUrl: undefined, dataDir: './scrubwatch-data' });
    expect(loadConfig({ DATABASE_URL: '', SCRUBWATCH_DATA_DIR: '/srv/watch' })).toMatchObject({ mode: 'embedded', dataDir: '/srv/watch' });
  });

  it('refuses Redis without a Postgres, and a queue schema that is not a plain name, saying what to set', () => {
    expect(() => loadConfig({ REDIS_URL: REDIS })).toThrow(/REDIS_URL is set but DATABASE_URL is not: set DATABASE_URL .* or unset REDIS_URL/);
    expect(() => loadConfig({ SCRUBWATCH_QUEUE_SCHEMA: 'public' })).toThrow(/SCRUBWATCH_QUEUE_SCHEMA: must not be public/);
    expect(() => loadConfig({ SCRUBWATCH_QUEUE_SCHEMA: 'a;drop' })).toThrow(/SCRUBWATCH_QUEUE_SCHEMA: must be a lower-case Postgres name/);
  });
});
