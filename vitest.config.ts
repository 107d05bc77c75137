import { defineConfig } from 'vitest/config';

// The HTTP API suites that run a second time against cloud mode (Postgres, Cloud Storage, Firebase
// ID tokens, Redis — all played locally, see test/helpers/cloud-backends.ts).
const CLOUD_API_SUITES = [
  'test/api/uploads.test.ts', 'test/api/search.test.ts', 'test/api/similar.test.ts', 'test/api/system.test.ts',
  'test/api/tus.test.ts', 'test/api/bad-input.test.ts', 'test/api/size-limit.test.ts', 'test/api/security.test.ts',
  'test/api/zip.test.ts',
  'test/api/collections.test.ts', 'test/api/share-links.test.ts',
  'test/api/moments.test.ts', 'test/api/sound-kinds.test.ts',
  'test/api/usage.test.ts', 'test/api/search-query.test.ts', 'test/api/batch-restore.test.ts', 'test/api/search-suggestions.test.ts',
  'test/api/search-cutoff.test.ts',
  'test/api/search-vocabulary.test.ts', 'test/api/image-captions.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
    projects: [
      {
        extends: true,
        test: {
          name: 'local',
          // Only our unit/API/fault suites; Playwright specs (test/e2e) run under their own runner.
          // Renderer component tests (.tsx) pick happy-dom per file with `// @vitest-environment happy-dom`.
          include: ['test/**/*.test.ts', 'test/**/*.test.tsx'],
          exclude: ['test/e2e/**', 'node_modules/**'],
        },
      },
      {
        extends: true,
        test: { name: 'cloud', include: CLOUD_API_SUITES, env: { TROVE_TEST_MODE: 'cloud' } },
      },
    ],
  },
});
