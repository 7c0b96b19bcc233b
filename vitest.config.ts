import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The fault suite is slow and sequential: `npm run test:faults` (vitest.faults.config.ts).
    exclude: ['test/faults/**', 'node_modules/**'],
    globalSetup: ['test/global-setup.ts'],
    // Chromium is the heavy part: two files at a time suits a 2-core machine.
    pool: 'forks',
    maxWorkers: 2,
    // One process per worker for all its files, not one per file: a fresh process re-imported Playwright, BullMQ,
    // Fastify and the sources for each of ~190 files (450 s of the suite's time; 27 s shared), and npm test took
    // 2,081 s rather than 1,598 s. Safe because no test changes process.env, mocks a module or fakes timers, and the
    // one module-level resource (the reader threads) belongs to the process by design.
    isolate: false,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
