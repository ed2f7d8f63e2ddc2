import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: [
      'src/**/*.test.ts',
      'test/**/*.test.ts',
      'cdk/**/*.test.ts',
      'lambdas/**/*.test.ts',
      'gpu-tasks/**/*.test.ts',
    ],
    // Tests that spawn bin/galspin.mjs run the compiled build: make it current first.
    globalSetup: ['test/support/build-dist.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    // Two cores: heavy suites (training, moto, browser) must not starve each other.
    maxWorkers: 2,
  },
});
