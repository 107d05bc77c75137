import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

/**
 * What the embedded default loads to answer its first search, seen in the real process
 * (bin/trove.js serve → dist/server/) through a preloaded hook that records every file it resolves
 * (TRACE_HOOK): none of the cloud SDKs (they load only when configured), no document or audio
 * reader (they load with the first such file), and none of the packages the build compiles into the
 * bundle (bin/build-server.js BUNDLED).
 */
const TOKEN = 'lazy-modules-test-token-0123456789abcdef';
let dir: string;

/**
 * Preloaded with `node --import` (NODE_OPTIONS): appends every file the process resolves — ES
 * modules through a resolve hook, CommonJS through the loader's _resolveFilename — to the file
 * named by TROVE_TEST_MODULE_TRACE, one per line.
 */
const TRACE_HOOK = `
import fs from 'node:fs';
import Module from 'node:module';
const out = process.env.TROVE_TEST_MODULE_TRACE;
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function traced(...args) {
  const file = resolveFilename.apply(this, args);
  fs.appendFileSync(out, file + '\\n');
  return file;
};
Module.register('data:text/javascript,' + encodeURIComponent(\`
  import fs from 'node:fs';
  export async function resolve(specifier, context, next) {
    const found = await next(specifier, context);
    fs.appendFileSync(\${JSON.stringify(out)}, found.url + '\\\\n');
    return found;
  }\`));
`;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-lazy-modules-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

/** The npm packages (by name) whose files the trace lists. */
function packagesIn(trace: string): Set<string> {
  const names = new Set<string>();
  for (const m of trace.matchAll(/node_modules\/((?:@[^/\n]+\/)?[^/\n]+)\//g)) names.add(m[1]!);
  return names;
}

describe('the embedded server loads only what it uses', () => {
  it('answers its first search without loading any cloud SDK, and with the bundled packages from its bundle', async () => {
    const trace = path.join(dir, 'modules.txt');
    const hook = path.join(dir, 'module-trace.mjs');
    await fs.writeFile(hook, TRACE_HOOK);
    let server: ServeProcess | undefined;
    try {
      server = await startServeProcess({
        TROVE_DATA_DIR: path.join(dir, 'data'), TROVE_TOKEN: TOKEN, TROVE_EMBEDDER: 'hash', TROVE_TEST_MODULE_TRACE: trace,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${hook}`.trim(),
      });
      const res = await fetch(`${server.url}/api/v1/search`, {
        method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify({ query: 'photos from 2019 of a beach' }),
      });
      expect(res.status).toBe(200);
      const loaded = packagesIn(await fs.readFile(trace, 'utf8'));
      // The trace sees what the server does load (so an empty trace cannot pass).
      expect([...loaded]).toEqual(expect.arrayContaining(['@electric-sql/pglite', 'fastify', 'pg-boss']));
      const cloud = ['@google/genai', 'openai', 'ioredis', 'jose', '@google-cloud/storage', 'google-auth-library', 'firebase', 'firebase-admin'];
      expect(cloud.filter((p) => loaded.has(p))).toEqual([]);
      expect(['mammoth', 'music-metadata'].filter((p) => loaded.has(p))).toEqual([]);
      // Route schemas compile through Trove's own Ajv setup (server/http/validation.ts), never Fastify's default one.
      expect(loaded.has('@fastify/ajv-compiler')).toBe(false);
      expect(['typebox', 'kysely', 'chrono-node'].filter((p) => loaded.has(p))).toEqual([]);
      expect(await server.kill('SIGTERM')).toBe(0);
    } finally {
      await server?.kill('SIGKILL');
    }
  }, 180_000);
});
