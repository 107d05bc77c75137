/**
 * The desktop upload queue against the real server: hashing and duplicate skip, tus uploads that
 * follow processing to the end, pause/resume/cancel/retry, a queue that "crashes" mid-upload and a
 * new instance from the same file that resumes, and an upload that survives a server restart.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Upload } from '../../shared/api/schemas.ts';
import type { QueueItem } from '../../shared/ipc/contract.ts';
import { ApiClient, type Endpoint } from '../../main/api-client.ts';
import { UploadQueue, type UploadQueueOptions } from '../../main/upload-queue/queue.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { sleep, tempDir, textFile, waitFor } from './helpers.ts';

const FAST = { TROVE_EMBEDDER: 'hash' };
let server: TestServer;
let dir: string;
const queues: UploadQueue[] = [];

beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer(FAST), tempDir()]);
});

afterAll(async () => {
  await Promise.all(queues.map((q) => q.shutdown()));
  await server?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

interface Harness {
  queue: UploadQueue;
  /** Bytes the server acknowledged, per item id. */
  chunks: Map<string, number>;
  events: QueueItem[];
}

async function openQueue(file: string, endpoint: () => Endpoint | null, extra: Partial<UploadQueueOptions> = {}): Promise<Harness> {
  const chunks = new Map<string, number>();
  const events: QueueItem[] = [];
  const queue = await UploadQueue.open({
    file, endpoint, api: new ApiClient(endpoint), chunkSize: 256 * 1024, pollMs: 200, retryDelaysMs: [200, 400, 800],
    onChange: (item) => events.push(item),
    onChunk: (id, bytes) => chunks.set(id, (chunks.get(id) ?? 0) + bytes),
    ...extra,
  });
  queues.push(queue);
  return { queue, chunks, events };
}

const endpointOf = (s: TestServer) => () => ({ url: s.url, token: s.token });
const state = (q: UploadQueue, id: string) => q.get(id)?.state;
const settled = (q: UploadQueue, id: string, states: QueueItem['state'][] = ['completed', 'duplicate', 'failed', 'cancelled']) =>
  waitFor(`item ${id} to settle`, () => {
    const item = q.get(id);
    return item && states.includes(item.state) ? item : undefined;
  }, 60_000);

describe('upload queue', () => {
  it('uploads with tus, follows processing to completed, and skips bytes the server already has', async () => {
    const files = await Promise.all([1, 2, 3].map((n) => textFile(dir, `note-${n}.txt`, 40_000 + n)));
    const { queue, chunks } = await openQueue(path.join(dir, 'q1.json'), endpointOf(server));
    const items = await queue.add(files.map((f) => f.path));
    expect(items.map((i) => i.state)).toEqual(['queued', 'queued', 'queued']);
    const done = await Promise.all(items.map((i) => settled(queue, i.id)));
    expect(done.map((i) => i.state)).toEqual(['completed', 'completed', 'completed']);
    for (const [i, item] of done.entries()) {
      expect(item.progress).toBe(100);
      expect(item.bytesSent).toBe(item.size);
      const { body } = await server.json<Upload>(`/api/v1/file/${item.uploadId}/metadata`);
      expect(body.data.file_hash).toBe(files[i]!.sha256);
      expect(body.data.filename).toBe(`note-${i + 1}.txt`);
      expect(body.data.user_metadata.source_path).toBe(item.path);
    }

    // The same bytes under another name: found by hash before any upload.
    const copy = path.join(dir, 'copy-of-note-1.txt');
    await fs.copyFile(files[0]!.path, copy);
    const [dup] = await queue.add([copy]);
    const dupDone = await settled(queue, dup!.id);
    expect(dupDone.state).toBe('duplicate');
    expect(dupDone.uploadId).toBe(done[0]!.uploadId);
    expect(chunks.get(dup!.id)).toBeUndefined();
    const { body } = await server.json<{ total: number }>('/api/v1/uploads?limit=1');
    expect(body.data.total).toBe(3);

    // Adding a path that is already in the queue does not queue it twice.
    const again = await queue.add([files[1]!.path]);
    expect(again[0]!.id).not.toBe(items[1]!.id); // completed items may be uploaded again (a changed file)…
    expect((await settled(queue, again[0]!.id)).state).toBe('duplicate'); // …and unchanged bytes are skipped
  });

  it('pauses, resumes from the same offset, cancels and retries', async () => {
    const big = await textFile(dir, 'big.txt', 12 * 1024 * 1024);
    const { queue, chunks } = await openQueue(path.join(dir, 'q2.json'), endpointOf(server), { chunkSize: 128 * 1024 });
    const [item] = await queue.add([big.path]);
    const id = item!.id;
    await waitFor('upload to start', () => (chunks.get(id) ?? 0) >= 1024 * 1024);
    await queue.pause(id);
    expect(state(queue, id)).toBe('paused');
    const sentAtPause = chunks.get(id) ?? 0;
    await sleep(400);
    expect(chunks.get(id) ?? 0).toBe(sentAtPause);
    expect(sentAtPause).toBeLessThan(12 * 1024 * 1024);

    await queue.resume(id);
    const done = await settled(queue, id);
    expect(done.state).toBe('completed');
    // Resumed at the server's offset: each byte was acknowledged once (a chunk in flight at the pause at most twice).
    expect(chunks.get(id)).toBeLessThanOrEqual(12 * 1024 * 1024 + 128 * 1024);

    // Cancel mid-upload, then retry: a fresh upload that completes.
    const other = await textFile(dir, 'other.txt', 8 * 1024 * 1024);
    const [second] = await queue.add([other.path]);
    await waitFor('second upload to start', () => (chunks.get(second!.id) ?? 0) > 0);
    await queue.cancel(second!.id);
    expect(state(queue, second!.id)).toBe('cancelled');
    await queue.retry(second!.id);
    expect(['queued', 'hashing', 'uploading']).toContain(state(queue, second!.id));
    expect((await settled(queue, second!.id)).state).toBe('completed');

    // A file that is not there fails with an action; once it exists, retry uploads it.
    const missing = path.join(dir, 'later.txt');
    const [third] = await queue.add([missing]);
    const failed = await settled(queue, third!.id);
    expect(failed.state).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'FILE_MISSING', action: expect.stringMatching(/retry/i) as unknown });
    await textFile(dir, 'later.txt', 5000);
    await queue.retry(third!.id);
    expect((await settled(queue, third!.id)).state).toBe('completed');

    // The server refuses what it cannot index: failed with the server's code, not retried forever.
    const junk = path.join(dir, 'junk.txt');
    await fs.writeFile(junk, Buffer.from([0x00, 0x01, 0x02, 0x03, 0xff, 0xfe, 0x00, 0x00, 0x10, 0x20].concat(Array(2000).fill(0))));
    const [fourth] = await queue.add([junk]);
    const refused = await settled(queue, fourth!.id);
    expect(refused.state).toBe('failed');
    expect(refused.error?.code).toMatch(/UNSUPPORTED_FILE_TYPE|TYPE_MISMATCH/);
  });

  it('survives a crash: a new queue from the same file resumes the cut-off upload and the waiting ones', async () => {
    const file = path.join(dir, 'q3.json');
    const big = await textFile(dir, 'crash-big.txt', 10 * 1024 * 1024);
    const small = await textFile(dir, 'crash-small.txt', 30_000);
    const held = await textFile(dir, 'crash-held.txt', 20_000);
    const first = await openQueue(file, endpointOf(server), { concurrency: 1, chunkSize: 128 * 1024 });
    const [bigItem, smallItem, heldItem] = await first.queue.add([big.path, small.path, held.path]);
    await first.queue.pause(heldItem!.id);
    await waitFor('big upload to be under way', () => (first.chunks.get(bigItem!.id) ?? 0) >= 3 * 1024 * 1024);
    const sentBeforeCrash = first.chunks.get(bigItem!.id)!;
    await first.queue.abandon(); // no shutdown, no final save

    const second = await openQueue(file, endpointOf(server), { concurrency: 1, chunkSize: 128 * 1024 });
    expect(second.queue.list().map((i) => i.id)).toEqual([bigItem!.id, smallItem!.id, heldItem!.id]);
    expect(state(second.queue, heldItem!.id)).toBe('paused');
    const bigDone = await settled(second.queue, bigItem!.id);
    expect(bigDone.state).toBe('completed');
    const resent = second.chunks.get(bigItem!.id)!;
    expect(resent).toBeLessThan(10 * 1024 * 1024);
    // Nothing the server had acknowledged before the crash was sent again.
    expect(resent).toBeLessThanOrEqual(10 * 1024 * 1024 - sentBeforeCrash);
    const { body } = await server.json<Upload>(`/api/v1/file/${bigDone.uploadId}/metadata`);
    expect(body.data.file_hash).toBe(big.sha256);
    expect((await settled(second.queue, smallItem!.id)).state).toBe('completed');
    expect(state(second.queue, heldItem!.id)).toBe('paused');
    await second.queue.resume(heldItem!.id);
    expect((await settled(second.queue, heldItem!.id)).state).toBe('completed');
  });

  it('continues an upload from its offset after the server is stopped and started again on the same data folder', async () => {
    // The shared server is stopped mid-upload and started again on its data folder and port (last test).
    const first = server;
    const { dataDir, token } = first;
    const port = first.server.port;
    const endpoint = () => ({ url: `http://127.0.0.1:${port}`, token });
    const big = await textFile(dir, 'restart.txt', 30 * 1024 * 1024);
    const { queue, chunks } = await openQueue(path.join(dir, 'q4.json'), endpoint, { chunkSize: 256 * 1024 });
    const [item] = await queue.add([big.path]);
    await waitFor('upload to pass a quarter', () => (chunks.get(item!.id) ?? 0) >= 8 * 1024 * 1024, 60_000);

    await first.server.close(); // the server goes away mid-upload
    queue.setOnline(false);
    const sentBefore = chunks.get(item!.id)!;
    expect(sentBefore).toBeLessThan(30 * 1024 * 1024);
    await waitFor('the item to wait for the server', () => state(queue, item!.id) === 'queued', 30_000);

    const restarted = await startTestServer({ ...FAST, TROVE_DATA_DIR: dataDir, PORT: String(port) });
    server = restarted; // afterAll closes it and removes the data folder
    queue.setOnline(true);
    const done = await settled(queue, item!.id);
    expect(done.state).toBe('completed');
    const sentAfter = chunks.get(item!.id)! - sentBefore;
    expect(sentAfter).toBeGreaterThan(0);
    expect(sentAfter).toBeLessThan(30 * 1024 * 1024);
    const { body } = await restarted.json<Upload>(`/api/v1/file/${done.uploadId}/metadata`);
    expect(body.data.file_hash).toBe(big.sha256);
    expect(body.data.file_size).toBe(30 * 1024 * 1024);
  });
});
