/**
 * The renderer's Vite config. `npm run build:web` builds it for the browser into dist/renderer/,
 * which the server serves at `/`. electron-vite reuses `rendererConfig` (it sets `base: './'` and
 * its own outDir for the desktop build):
 *
 *   import { rendererConfig } from './renderer/vite.config.ts';
 *   export default defineConfig({ main: {...}, preload: {...}, renderer: { ...rendererConfig, build: { ...rendererConfig.build, outDir: 'out/renderer' } } });
 *
 * Runs in Node at build time (not part of the page), so it is type-checked with tsconfig.node.json.
 */
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const root = import.meta.dirname;
const repo = `${root}/..`;

export const rendererConfig = {
  root,
  plugins: [react()],
  build: {
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 800,
    rolldownOptions: { input: `${root}/index.html` },
  },
} satisfies UserConfig;

export default defineConfig({
  ...rendererConfig,
  base: '/',
  build: {
    ...rendererConfig.build,
    outDir: `${repo}/dist/renderer`,
    emptyOutDir: true,
  },
  server: { fs: { allow: [repo] } },
});
