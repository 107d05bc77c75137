import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    // Only our unit/API/fault suites; Playwright specs (test/e2e) run under their own runner.
    // Renderer component tests (.tsx) pick happy-dom per file with `// @vitest-environment happy-dom`.
    include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
