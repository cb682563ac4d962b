import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: [
      'test/support/global-redis.ts',
      'test/support/global-ui-build.ts',
      'test/support/global-cli-build.ts',
    ],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Integration tests spawn processes and share one throwaway Redis; two cores here.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
