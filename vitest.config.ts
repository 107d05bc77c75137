import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only our unit/API/fault suites; Playwright specs (test/e2e) run under their own runner.
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
