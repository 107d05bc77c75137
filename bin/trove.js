#!/usr/bin/env node
// The CLI and server run as built JavaScript (dist/server/, see build-server.js): compiling the
// TypeScript at every start cost 0.5–1.5 s. `npm install` builds it; in a checkout whose sources
// changed since (or were never built), it is rebuilt here first (~0.5 s), so `trove` never runs
// stale code. The packaged app ships the build without the sources, and skips the check.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const infoFile = `${root}dist/server/build-info.json`;

function buildIsStale() {
  if (!existsSync(`${root}server/main.ts`)) return false;
  let info;
  let builtAt;
  try {
    info = JSON.parse(readFileSync(infoFile, 'utf8'));
    builtAt = statSync(infoFile).mtimeMs;
  } catch {
    return true;
  }
  for (const input of info.inputs) {
    const stat = statSync(`${root}${input}`, { throwIfNoEntry: false });
    if (!stat || stat.mtimeMs > builtAt) return true;
  }
  return false;
}

if (buildIsStale()) {
  const { buildServer } = await import('./build-server.js');
  try {
    await buildServer();
  } catch {
    // esbuild has printed what failed, with the file and line.
    process.stderr.write('error BUILD: the server\'s sources changed and do not build (see above); fix them, or run "npm run build:server" to see the errors again.\n');
    process.exit(1);
  }
}
// Stack traces point into the TypeScript sources when asked for (the build's source maps).
if (process.env.TROVE_DEBUG) process.setSourceMapsEnabled(true);
await import('../dist/server/main.js');
