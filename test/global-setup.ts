import { existsSync } from 'node:fs';
import pg from 'pg';
import { Redis } from 'ioredis';
import type { TestProject } from 'vitest/node';
import { migrate } from '../src/db/migrate.ts';
import { findChromium } from '../src/capture/browser.ts';
import { ADMIN_DATABASE_URL, TEST_REDIS_URL, databaseUrl } from './helpers/services.ts';
import { assertRealPagesPresent } from './helpers/real-pages.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDatabase: string;
  }
}

/**
 * Fails the whole run, loudly, when a service the tests need is missing — a missing service is never a skip.
 * Then migrates one template database that every test file clones (fast: no per-file migration).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const admin = new pg.Client({ connectionString: ADMIN_DATABASE_URL, connectionTimeoutMillis: 5_000 });
  try {
    await admin.connect();
  } catch (err) {
    throw new Error(`tests need Postgres at ${ADMIN_DATABASE_URL} (set SCRUBWATCH_TEST_DATABASE_URL): ${(err as Error).message}`, { cause: err });
  }
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    await redis.ping();
  } catch (err) {
    await admin.end();
    throw new Error(`tests need Redis at ${TEST_REDIS_URL} (set SCRUBWATCH_TEST_REDIS_URL): ${(err as Error).message}`, { cause: err });
  } finally {
    redis.disconnect();
  }
  assertRealPagesPresent();
  const chromium = findChromium(process.env.CHROMIUM_PATH);
  if (!existsSync(chromium.path)) throw new Error(`tests need Chromium; found none at ${chromium.path}`);

  const template = `scrubwatch_template_${process.pid}`;
  await admin.query(`drop database if exists ${template}`);
  await admin.query(`create database ${template}`);
  const pool = new pg.Pool({ connectionString: databaseUrl(template), max: 2 });
  try {
    await migrate(pool);
  } finally {
    await pool.end();
  }
  project.provide('templateDatabase', template);
  return async () => {
    await admin.query(`drop database if exists ${template} with (force)`);
    await admin.end();
  };
}
