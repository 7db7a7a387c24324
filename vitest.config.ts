import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites spawn real servers and bash scripts; two cores cannot take more.
    maxWorkers: 2,
  },
});
