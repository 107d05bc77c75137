/**
 * Desktop build (`npm run build` → out/): the main process (ESM, npm dependencies left external —
 * they ship in node_modules), the preload (one self-contained CommonJS file: a sandboxed preload
 * cannot be an ES module nor require anything but Electron), and the renderer from
 * renderer/vite.config.ts. The embedded server is not bundled here: the app runs `bin/trove.js serve`
 * as a utility process, which runs dist/server (`npm run build:server`).
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { rendererConfig } from './renderer/vite.config.ts';

const root = import.meta.dirname;

export default defineConfig({
  main: {
    build: {
      outDir: resolve(root, 'out/main'),
      externalizeDeps: true,
      sourcemap: true,
      rolldownOptions: { input: { index: resolve(root, 'main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      outDir: resolve(root, 'out/preload'),
      externalizeDeps: false,
      rolldownOptions: {
        input: { index: resolve(root, 'preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    ...rendererConfig,
    // electron-vite bundles this file with the renderer's config inlined, where that file's own
    // import.meta.dirname no longer points at renderer/: root and entry are set from here.
    root: resolve(root, 'renderer'),
    base: './',
    build: {
      ...rendererConfig.build,
      outDir: resolve(root, 'out/renderer'),
      emptyOutDir: true,
      rolldownOptions: { input: resolve(root, 'renderer/index.html') },
    },
  },
});
