import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../helpers/serve-process.ts';

/**
 * The real `trove serve` (bin/trove.js → the build in dist/server/, where the embed worker is an
 * entry of its own) with the offline text model: the model runs in a worker thread, searches are
 * answered through it, and SIGTERM ends the process (the thread does not keep it alive).
 */
const TOKEN = 'embed-thread-test-token-0123456789abcdef';
let dataDir: string;

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-embed-thread-'));
});
afterAll(async () => {
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('trove serve with the offline text model', () => {
  it('embeds queries in a worker thread, and shuts down cleanly', async () => {
    let server: ServeProcess | undefined;
    try {
      server = await startServeProcess({ TROVE_DATA_DIR: dataDir, TROVE_TOKEN: TOKEN, TROVE_EMBED_THREADS: '2' });
      const { url } = server;
      const auth = { authorization: `Bearer ${TOKEN}` };
      const metric = async (name: string): Promise<number> => {
        const text = await (await fetch(`${url}/api/v1/metrics`, { headers: auth })).text();
        const line = text.split('\n').find((l) => l.startsWith(`${name}{model="text"}`));
        if (!line) throw new Error(`no ${name}{model="text"} in /metrics`);
        return Number(line.split(' ').at(-1));
      };
      const search = (query: string) => fetch(`${url}/api/v1/search`, {
        method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ query, limit: 5 }),
      });

      const answers = await Promise.all(['a dog in the snow', 'tax invoice', 'sunset', 'a red bicycle'].map(search));
      expect(answers.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      // The model was started at start-up (warm-up) in one thread; four queries at once fit one batch.
      expect(await metric('trove_model_workers')).toBeGreaterThanOrEqual(1);
      expect(await metric('trove_model_worker_starts_total')).toBeGreaterThanOrEqual(1);

      expect(await server.kill('SIGTERM')).toBe(0);
      expect(server.stderr()).not.toMatch(/embed-worker|worker thread stopped/);
    } finally {
      await server?.kill('SIGKILL');
    }
  }, 180_000);
});
