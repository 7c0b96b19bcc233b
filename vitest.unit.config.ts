import { defineConfig } from 'vitest/config';

// The tests that need no Postgres, Redis, Chromium or spawned CLI: no global setup, so they run on a machine
// with none of those (`npm run test:unit`). `npm test` runs them too, with everything else.
export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    pool: 'forks',
    maxWorkers: 2,
    // As in vitest.config.ts: one process per worker, its imports shared across files.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
