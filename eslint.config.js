// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'stream', 'http', 'https', 'net', 'url', 'util', 'events', 'worker_threads'];

const sharedIsALeaf = {
  group: ['**/server/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/test/**', 'electron'],
  message: 'shared/ imports nothing from the other folders.',
};
const sharedIsPortable = {
  group: [...nodeBuiltins, '**/node/**'],
  message: 'Only shared/node/ may use Node built-ins; the rest of shared/ also runs in the renderer.',
};

/** Layer rules (see docs/ARCHITECTURE.md): each folder may import only from the folders below it. */
const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'coverage', 'test-results', 'scratch', 'eslint.config.js', 'bin/*.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      // Fastify hooks and plugins are async by contract even when a body has nothing to await.
      '@typescript-eslint/require-await': 'off',
    },
  },
  layer(['shared/node/**'], [sharedIsALeaf]),
  { ...layer(['shared/**'], [sharedIsALeaf, sharedIsPortable]), ignores: ['shared/node/**'] },
  layer(['server/**'], [
    { group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/test/**', 'electron'], message: 'server/ never imports the desktop app or Electron.' },
  ]),
  {
    files: ['test/**', '*.config.ts', 'bench/**', 'eval/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
