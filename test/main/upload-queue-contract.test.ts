/**
 * The upload clients' shared contract (test/helpers/client-contract.ts) kept by the desktop
 * queue: the real UploadQueue and ApiClient (default retry schedule and chunk size) against the
 * real server, through the fault proxy.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe } from 'vitest';
import type { QueueItem } from '../../shared/ipc/contract.ts';
import { ApiClient } from '../../main/api-client.ts';
import { UploadQueue } from '../../main/upload-queue/queue.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { defineClientContract, type ClientDriver, type Taken } from '../helpers/client-contract.ts';
import { tempDir, waitFor } from './helpers.ts';

let server: TestServer;
let dir: string;
const queues: UploadQueue[] = [];

beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), tempDir('trove-queue-contract-')]);
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.shutdown()));
  await server?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

/** Where an item's upload has settled: the server has the file (or refused it). */
const UPLOADED: ReadonlySet<QueueItem['state']> = new Set(['processing', 'completed', 'duplicate', 'failed', 'cancelled']);

const desktop: ClientDriver = {
  async add(url, paths) {
    const endpoint = () => ({ url, token: server.token });
    const queue = await UploadQueue.open({ file: path.join(dir, `queue-${queues.length}.json`), endpoint, api: new ApiClient(endpoint), pollMs: 200 });
    queues.push(queue);
    const items = await queue.add(paths);
    const settled = await Promise.all(items.map((i) => waitFor(`${i.name} to be uploaded`, () => {
      const item = queue.get(i.id);
      return item && UPLOADED.has(item.state) ? item : undefined;
    }, 60_000)));
    return settled.map((item): Taken => ({
      path: item.path,
      state: item.state === 'duplicate' ? 'duplicate' : item.state === 'failed' || item.state === 'cancelled' ? 'failed' : 'added',
      code: item.error?.code ?? null,
      uploadId: item.uploadId,
    }));
  },
};

describe('the desktop upload queue keeps the upload clients\' contract', () => {
  defineClientContract({ server: () => server, dir: () => dir, driver: () => desktop });
});
