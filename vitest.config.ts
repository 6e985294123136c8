import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Most test files wait on PostgreSQL, a server process or a browser rather than on this process: two at a time
    // even on a 2-core machine, where the default would be one.
    maxWorkers: 2,
    projects: [
      // pure units: one module graph per worker, not one per file
      { test: { name: 'shared', include: ['shared/test/**/*.test.ts'], isolate: false } },
      { test: { name: 'data', include: ['data/test/**/*.test.ts'], testTimeout: 120_000 } },
      {
        test: {
          name: 'server',
          include: ['server/test/**/*.test.ts'],
          // Each file imports the whole server (Fastify and every module): importing it once per worker instead of
          // once per file saves seconds per file. Files share no state beyond the module graph: each builds its own
          // app on its own database (helpers.ts testDatabase) and restores what it changes (env, timers).
          isolate: false,
          globalSetup: ['server/test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 180_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['client/test/**/*.test.ts'],
          globalSetup: ['server/test/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
