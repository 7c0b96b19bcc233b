import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { createContext, type Context } from '../../src/context.ts';
import { TEST_REDIS_URL } from './services.ts';
import { deletePrefixKeys, uniquePrefix } from './queue-prefix.ts';

/** The environment a test process (or a CLI it spawns) runs with: its own database and queue prefix. */
export function testEnv(databaseUrl: string, prefix: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: TEST_REDIS_URL,
    SCRUBWATCH_QUEUE_PREFIX: prefix,
    SCRUBWATCH_ALLOW_PRIVATE_NETWORKS: 'true',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // Never the real oEmbed endpoint: tests that probe tweets start their own.
    SCRUBWATCH_OEMBED_URL: 'http://127.0.0.1:9/oembed',
    // Every fixture site is on 127.0.0.1: one host to politeness. Its own test (test/politeness) keeps the defaults.
    SCRUBWATCH_HOST_CONCURRENCY: '16',
    // As many captures at once as the suite has always run, whatever the default on this machine.
    SCRUBWATCH_CONCURRENCY: '2',
    SCRUBWATCH_HOST_GAP: '0s',
    // Tests confirm removals by captures seconds apart; the default gap has its own (test/jobs/confirm-gap.test.ts).
    SCRUBWATCH_CONFIRM_MIN_GAP: '0s',
    ...(process.env.CHROMIUM_PATH ? { CHROMIUM_PATH: process.env.CHROMIUM_PATH } : {}),
    ...extra,
  };
}

export function testConfig(databaseUrl: string, prefix = uniquePrefix(), extra: Record<string, string> = {}): Config {
  return loadConfig(testEnv(databaseUrl, prefix, extra));
}

/** A real context (Postgres, Redis, Chromium) on a test database; `dispose` also deletes its queue keys. */
export type TestContext = Context & { dispose(): Promise<void> };

export async function createTestContext(databaseUrl: string, extra: Record<string, string> = {}): Promise<TestContext> {
  const config = testConfig(databaseUrl, uniquePrefix(), extra);
  const ctx = await createContext(config, createLogger(config.logLevel, { pretty: false }));
  return Object.assign(ctx, {
    async dispose() {
      await ctx.close();
      await deletePrefixKeys(config.queuePrefix);
    },
  });
}
