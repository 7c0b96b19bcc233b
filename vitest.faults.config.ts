import { defineConfig } from 'vitest/config';

// The fault suite restarts services, kills processes and soaks the browser: one file at a time, so no fault
// lands on another file's test, and with room for the slow parts.
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
    testTimeout: 300_000,
    hookTimeout: 120_000,
  },
});
