import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Suites spawn real servers and bash scripts; two cores cannot take more.
    maxWorkers: 2,
    // Polls wait for something that will happen (a socket closing, a process reaped);
    // on a loaded CI machine that can take longer than vitest's 1 s default. Polls that
    // check a deadline set their own timeout.
    expect: { poll: { timeout: 10_000, interval: 50 } },
  },
});
