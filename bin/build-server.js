#!/usr/bin/env node
/**
 * Builds the server and CLI into dist/server/ (JavaScript, ESM): `npm run build:server`, run by
 * `npm install` (prepare) and, when the sources changed since, by bin/trove.js before it starts.
 *
 * Why a bundle: loading ~180 TypeScript modules through tsx cost 0.5–1.5 s at every start; one
 * bundle (split at the CLI's lazy imports, so `trove --version` loads none of the server) loads in
 * a fraction of that. npm packages stay external: they keep resolving their own files (PGlite's
 * WASM, tesseract's language data, the vision models, ffmpeg) from node_modules as before —
 * except BUNDLED, pure JavaScript that reads no files of its own but comes as hundreds of small
 * ES modules, each resolved, read and linked on its own at every start.
 * Every file a thread or process loads by path must be an entry here (the vision and embed workers).
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT_DIR = path.join(ROOT, 'dist', 'server');
/** Lists the sources of the build; bin/trove.js rebuilds when one is newer than this file. */
export const BUILD_INFO = path.join(OUT_DIR, 'build-info.json');

/**
 * Packages compiled into the bundle: typebox (~700 modules), kysely (~260) and chrono-node (~270)
 * cost ~0.45 s of CPU per start loaded from node_modules (measured: 4.2–4.4 s vs 3.7–4.0 s of CPU
 * to the first search, docs/BENCHMARKS.md). Only packages without dependencies, native code or files
 * read at run time belong here, and only ones nothing external imports (no second copy).
 */
const BUNDLED = new Set(['typebox', 'kysely', 'chrono-node']);

/** `packages: 'external'`, except BUNDLED. */
const externalPackages = {
  name: 'external-packages',
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

const ENTRIES = {
  main: 'server/main.ts',
  'vision-worker': 'server/analysis/vision/vision-worker.ts',
  'embed-worker': 'server/analysis/embed-worker.ts',
  'ocr-thread': 'server/analysis/ocr/ocr-thread.ts',
};

/**
 * `clean` empties dist/server/ first (a full build). Without it (a rebuild at start-up, maybe by
 * several processes at once) each file is written to a temporary name and renamed into place:
 * chunk names carry a hash of their content and the entries' names are fixed, so a process never
 * reads half a file, and two builds of the same sources write the same files.
 */
export async function buildServer({ clean = false } = {}) {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: OUT_DIR,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    plugins: [externalPackages],
    sourcemap: 'linked',
    metafile: true,
    write: false,
    logLevel: 'warning',
  });
  if (clean) await rm(OUT_DIR, { recursive: true, force: true });
  await mkdir(OUT_DIR, { recursive: true });
  const tag = `.tmp-${process.pid}-${Date.now()}`;
  for (const file of result.outputFiles) {
    await mkdir(path.dirname(file.path), { recursive: true });
    await writeFile(file.path + tag, file.contents);
    await rename(file.path + tag, file.path);
  }
  const inputs = Object.keys(result.metafile.inputs).filter((p) => !p.startsWith('node_modules/')).sort();
  await writeFile(BUILD_INFO + tag, `${JSON.stringify({ inputs }, null, 1)}\n`);
  await rename(BUILD_INFO + tag, BUILD_INFO);
  if (!clean) await removeLeftovers();
  return { files: result.outputFiles.length, inputs: inputs.length };
}

/** Temporary files of a build that died mid-write; one younger than a minute may be a build running now. */
async function removeLeftovers() {
  const names = await readdir(OUT_DIR).catch(() => []);
  const stale = names.filter((n) => /\.tmp-\d+-(\d+)$/.test(n) && Date.now() - Number(/(\d+)$/.exec(n)?.[1]) > 60_000);
  await Promise.all(stale.map((n) => rm(path.join(OUT_DIR, n), { force: true })));
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const started = performance.now();
  const { files, inputs } = await buildServer({ clean: true });
  process.stderr.write(`Built the server: ${inputs} sources → ${files} files in ${path.relative(ROOT, OUT_DIR)}/ (${Math.round(performance.now() - started)} ms)\n`);
}
