// @ts-check
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Every Node built-in, bare and with `node:` and subpaths (fs/promises), from Node's own list.
const nodeBuiltins = ['node:*', ...builtinModules, ...builtinModules.map((m) => `${m}/*`)];

const sharedIsALeaf = {
  group: ['**/server/**', '**/main/**', '**/preload/**', '**/renderer/**', '**/test/**', 'electron'],
  message: 'shared/ imports nothing from the other folders.',
};
const sharedIsPortable = {
  group: [...nodeBuiltins, '**/node/**'],
  message: 'Only shared/node/ may use Node built-ins; the rest of shared/ also runs in the renderer.',
};

const desktopNoServer = {
  group: ['**/server/**', '**/renderer/**', '**/test/**'],
  message: 'main/ and preload/ never import server/ (it runs as a separate process) or the renderer.',
};
const mainNoElectron = {
  group: ['electron', 'electron/*', 'electron-updater'],
  message: 'Only main/electron/ may import Electron; put logic in plain modules that take small interfaces.',
};

const serverNoDesktop = {
  group: ['**/main/**', '**/preload/**', '**/renderer/**', '**/test/**', 'electron'],
  message: 'server/ never imports the desktop app or Electron.',
};

/**
 * Layers inside server/ (routes → services → db): the SQL builder's calls and the `sql` tag belong
 * in db/ repositories only, and adapters of outside resources are built only by the composition
 * root, which alone chooses them. One `no-restricted-syntax` entry per folder (a later entry for the
 * same files would replace an earlier one), each message naming the folder that broke the rule.
 */
const ADAPTERS = [
  'LocalBlobStore', 'GcsBlobStore', 'PgBossQueue', 'RedisEventBus', 'PgEventBus', 'MemoryRateLimiter', 'RedisRateLimiter',
  'MemorySearchCache', 'RedisSearchCache', 'GeminiAnalyzer', 'OpenAIChatAnalyzer', 'OpenAIEmbedder', 'OfflineEmbedder', 'HashEmbedder',
  'HmacUrlSigner', 'GcsUrlSigner', 'GcsIamUrlSigner', 'FirebaseAuthenticator', 'LocalTokenAuthenticator', 'PocketsphinxRecognizer',
  'NoSpeechRecognizer', 'TesseractRecognizer',
];
const SERVER_FOLDERS = ['routes', 'http', 'services', 'composition', 'cli', 'analysis', 'pipelines', 'storage', 'events', 'queue', 'db'];
const serverLayers = (folder) => {
  const where = `server/${folder}/`;
  const sql = `SQL in ${where} breaks the layers (routes → services → db): put the query in a server/db/*-repo.ts function and call that.`;
  const selectors = [];
  if (folder !== 'db') {
    selectors.push(
      { selector: 'CallExpression[callee.property.name=/^(selectFrom|insertInto|updateTable|deleteFrom|replaceInto|mergeInto|selectNoFrom)$/]', message: sql },
      { selector: "TaggedTemplateExpression[tag.name='sql']", message: sql },
    );
  }
  if (folder !== 'composition') {
    selectors.push({
      selector: `NewExpression[callee.name=/^(${ADAPTERS.join('|')})$/]`,
      message: `${where} builds an adapter of an outside resource; only server/composition/ chooses and builds them (one composition root per role): take it through the constructor.`,
    });
  }
  return { files: [`${where}**`], rules: { 'no-restricted-syntax': ['error', ...selectors] } };
};

/** Layer rules (see docs/ARCHITECTURE.md): each folder may import only from the folders below it. */
const layer = (files, patterns) => ({
  files,
  rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns }] },
});

export default tseslint.config(
  { ignores: ['node_modules', 'dist', 'out', 'coverage', 'test-results', 'scratch', 'eslint.config.js', 'bin/*.js', 'bench/*.mjs'] },
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
  layer(['server/**'], [serverNoDesktop]),
  // Routes validate, call one service method and shape the answer: no repositories, no SQL builder.
  layer(['server/routes/**'], [serverNoDesktop, {
    group: ['**/db/*-repo.ts', '**/db/database.ts', 'kysely'],
    allowTypeImports: true,
    message: 'server/routes/ reaches data only through services/ (routes → services → db); call a service method instead.',
  }]),
  ...SERVER_FOLDERS.map(serverLayers),
  // The desktop app reaches the server only over HTTP (the server runs as a spawned process), and
  // only the thin shell in main/electron/ touches Electron; everything else runs under plain Node.
  { ...layer(['main/**'], [desktopNoServer, mainNoElectron]), ignores: ['main/electron/**'] },
  layer(['main/electron/**'], [desktopNoServer]),
  layer(['preload/**'], [desktopNoServer, { group: nodeBuiltins, message: 'The preload runs sandboxed: no Node built-ins.' }]),
  {
    ...layer(['renderer/**', 'test/renderer/**'], [
      {
        group: nodeBuiltins,
        message: 'The renderer runs in a browser page: no Node built-ins (ask the bridge instead).',
      },
      { group: ['electron', 'electron/*'], message: 'The renderer reaches Electron only through window.trove (shared/ipc/contract.ts).' },
      { group: ['**/server/**', '**/main/**', '**/preload/**', '**/shared/node/**'], message: 'The renderer imports only from shared/ (types and schemas) and npm packages.' },
    ]),
    // Its Vite config runs in Node at build time.
    ignores: ['renderer/vite.config.ts'],
  },
  {
    files: ['test/**', '*.config.ts', 'bench/**', 'eval/**'],
    rules: {
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
);
