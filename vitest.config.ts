import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: [
      'test/support/global-redis.ts',
      'test/support/global-ui-build.ts',
      'test/support/global-bundles.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests spawn processes and share one throwaway Redis; two cores here.
    maxWorkers: 2,
    fileParallelism: true,
    // Test files share their worker's module graph instead of importing the service again for each
    // file (that was 100+ s of a run). No file depends on module state: every service, Redis
    // connection and key prefix is a file's own, and stubbed variables are undone after each test.
    isolate: false,
    unstubEnvs: true,
    unstubGlobals: true,
  },
});
