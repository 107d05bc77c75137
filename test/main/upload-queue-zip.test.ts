/**
 * The desktop upload queue with a ZIP: sent once over tus, the item settles as soon as the server
 * took the archive and names its batch (the page's panel opens the batch to its entries); the
 * entries become uploads with their folders.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Batch } from '../../shared/api/schemas.ts';
import { ApiClient } from '../../main/api-client.ts';
import { UploadQueue } from '../../main/upload-queue/queue.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { buildZip } from '../helpers/zip-builder.ts';
import { tempDir, waitFor } from './helpers.ts';

let server: TestServer;
let dir: string;
let queue: UploadQueue | undefined;

beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), tempDir()]);
});
afterAll(async () => {
  await queue?.shutdown();
  await server?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('desktop upload queue and ZIP archives', () => {
  it('sends a .zip as one archive and settles with its batch', async () => {
    const zip = path.join(dir, 'letters.zip');
    await fs.writeFile(zip, await buildZip([
      { name: 'Letters/2022/to-anna.txt', data: Buffer.from('Dear Anna, the desktop queue sent this inside a ZIP.\n') },
      { name: 'Letters/to-ben.md', data: Buffer.from('# Ben\n\nAnother letter from the same archive.\n') },
    ]));
    const endpoint = () => ({ url: server.url, token: server.token });
    queue = await UploadQueue.open({ file: path.join(dir, 'queue.json'), endpoint, api: new ApiClient(endpoint), chunkSize: 256 * 1024, pollMs: 200, retryDelaysMs: [200] });
    const [item] = await queue.add([zip]);
    const done = await waitFor('the archive item to settle', () => {
      const i = queue!.get(item!.id);
      return i && ['completed', 'failed'].includes(i.state) ? i : undefined;
    }, 60_000);
    expect(done).toMatchObject({ state: 'completed', progress: 100, uploadId: null, error: null });
    expect(done.batchId).toMatch(/^[0-9a-f-]{36}$/);

    const batch = await waitFor('the batch to finish', async () => {
      const { body } = await server.json<Batch>(`/api/v1/batches/${done.batchId}`);
      return body.data.finished ? body.data : undefined;
    }, 60_000);
    expect(batch.entries.map((e) => [e.folder, e.filename, e.state])).toEqual([['Letters/2022', 'to-anna.txt', 'done'], ['Letters', 'to-ben.md', 'done']]);
  });
});
