/**
 * "Keep on this device" from the desktop app, against the real server: a synced folder with the
 * setting uploads its files with metadata `keep_local: true` through the real upload queue (tus
 * Upload-Metadata), a folder without it does not, switching it on catches files still waiting, and
 * an upload begun without the flag is started over (never resumed) once a file asks for it.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Upload } from '../../shared/api/schemas.ts';
import type { QueueItem } from '../../shared/ipc/contract.ts';
import { ApiClient } from '../../main/api-client.ts';
import { PathGrants } from '../../main/ipc/grants.ts';
import { createIpcHandlers, type HandlerDeps } from '../../main/ipc/handlers.ts';
import { checkArgs } from '../../main/ipc/registrar.ts';
import { SyncManager } from '../../main/sync/sync-manager.ts';
import { UploadQueue } from '../../main/upload-queue/queue.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { tempDir, textFile, waitFor } from './helpers.ts';

let server: TestServer;
let dir: string;
let queue: UploadQueue | undefined;
let sync: SyncManager | undefined;
const chunks = new Map<string, number>();

beforeAll(async () => {
  [server, dir] = await Promise.all([startTestServer({ TROVE_EMBEDDER: 'hash' }), tempDir('trove-keep-local-')]);
});

afterEach(async () => {
  await sync?.close();
  await queue?.shutdown();
  sync = undefined;
  queue = undefined;
});

afterAll(async () => {
  await server?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

async function open(name: string, opts: { online?: boolean; chunkSize?: number } = {}): Promise<{ queue: UploadQueue; sync: SyncManager }> {
  const endpoint = () => ({ url: server.url, token: server.token });
  queue = await UploadQueue.open({
    file: path.join(dir, `${name}-queue.json`), endpoint, api: new ApiClient(endpoint), chunkSize: opts.chunkSize ?? 256 * 1024,
    pollMs: 200, retryDelaysMs: [200, 400], online: opts.online ?? true,
    onChunk: (id, bytes) => chunks.set(id, (chunks.get(id) ?? 0) + bytes),
  });
  sync = await SyncManager.open({ file: path.join(dir, `${name}-sync.json`), queue, deleteUpload: async () => undefined, stabilityMs: 100, batchMs: 50 });
  return { queue, sync };
}

const itemFor = (q: UploadQueue, file: string) => q.list().find((i) => i.path === file);
const completed = (q: UploadQueue, file: string) => waitFor(`${path.basename(file)} to be processed`, () => {
  const item = itemFor(q, file);
  if (item?.state === 'failed') throw new Error(`${file} failed: ${item.error?.message}`);
  return item?.state === 'completed' && item.uploadId ? item : undefined;
}, 60_000);
const metadataOf = async (item: QueueItem) => (await server.json<Upload>(`/api/v1/file/${item.uploadId}/metadata`)).body.data;

describe('keep on this device (desktop)', () => {
  it('uploads a kept folder\'s files with keep_local: true, and another folder\'s without', async () => {
    const priv = path.join(dir, 'Private');
    const shared = path.join(dir, 'Shared');
    await Promise.all([fs.mkdir(priv), fs.mkdir(shared)]);
    const diary = await textFile(priv, 'diary.txt', 3000);
    const poster = await textFile(shared, 'poster.txt', 3000);
    const { queue: q, sync: s } = await open('folders');
    await s.addFolder(priv, { mirrorDeletions: false, keepLocal: true });
    await s.addFolder(shared, { mirrorDeletions: false });

    const [kept, open_] = await Promise.all([completed(q, diary.path), completed(q, poster.path)]);
    expect(kept.keepLocal).toBe(true);
    expect(open_.keepLocal).toBe(false);
    const keptMeta = await metadataOf(kept);
    // The flag travelled in the tus Upload-Metadata's `metadata` JSON and the server took it.
    expect(keptMeta.user_metadata).toMatchObject({ keep_local: true, source_path: diary.path });
    expect(keptMeta.keep_local).toBe(true);
    expect(keptMeta.cloud_status).toBe('kept_local');
    const openMeta = await metadataOf(open_);
    expect(openMeta.user_metadata.keep_local).toBeUndefined();
    expect(openMeta.keep_local).toBe(false);
    expect(openMeta.cloud_status).not.toBe('kept_local');
  });

  it('switching a folder to keep-local flags the files still waiting in the queue', async () => {
    const folder = path.join(dir, 'Scans');
    await fs.mkdir(folder);
    const scan = await textFile(folder, 'scan.txt', 5000);
    // Offline: the scan is queued but nothing is sent yet.
    const { queue: q, sync: s } = await open('switch', { online: false });
    await s.addFolder(folder, { mirrorDeletions: false });
    await waitFor('the scan to be queued', () => s.folders()[0]!.queued === 1);
    const waiting = itemFor(q, scan.path);
    expect(waiting).toMatchObject({ state: 'queued', keepLocal: false });

    expect((await s.addFolder(folder, { mirrorDeletions: false, keepLocal: true }))[0]!.keepLocal).toBe(true);
    expect(itemFor(q, scan.path)?.keepLocal).toBe(true);
    q.setOnline(true);
    const done = await completed(q, scan.path);
    expect((await metadataOf(done)).keep_local).toBe(true);
  });

  it('a file added again with the toggle on leaves its unflagged partial upload and starts over with the flag', async () => {
    const big = await textFile(dir, 'big-notes.txt', 6 * 1024 * 1024);
    const { queue: q } = await open('restart', { chunkSize: 128 * 1024 });
    const [item] = await q.add([big.path]);
    expect(item!.keepLocal).toBe(false);
    await waitFor('the unflagged upload to be under way', () => (chunks.get(item!.id) ?? 0) >= 512 * 1024);

    // The same path through "Add files" with "Keep on this device" on: the waiting item takes the flag.
    const [again] = await q.add([big.path], { keepLocal: true });
    expect(again!.id).toBe(item!.id);
    expect(again!.keepLocal).toBe(true);
    const done = await completed(q, big.path);
    // Started over: every byte went again under the new upload (whatever the first one had sent).
    expect(chunks.get(item!.id)).toBeGreaterThanOrEqual(6 * 1024 * 1024 + 512 * 1024);
    const meta = await metadataOf(done);
    expect(meta.keep_local).toBe(true);
    expect(meta.file_hash).toBe(big.sha256);
  });
});

describe('keep on this device through the IPC contract', () => {
  it('queue:add takes the paths alone or with keepLocal; a malformed request never reaches the queue', () => {
    expect(checkArgs('queue:add', [['/home/me/a.png']])).toBeNull();
    expect(checkArgs('queue:add', [{ paths: ['/home/me/a.png'], keepLocal: true }])).toBeNull();
    expect(checkArgs('queue:add', [{ paths: ['/home/me/a.png'], keepLocal: 'yes' }])).not.toBeNull();
    expect(checkArgs('queue:add', [{ paths: ['/home/me/a.png'] }])).not.toBeNull();
    expect(checkArgs('queue:add', [{ paths: ['/home/me/a.png'], keepLocal: true, extra: 1 }])).not.toBeNull();
    expect(checkArgs('queue:add', [{ paths: ['relative.png'], keepLocal: true }])).not.toBeNull();
    expect(checkArgs('sync:add', ['/home/me/Private', { mirrorDeletions: false, keepLocal: true }])).toBeNull();
    expect(checkArgs('sync:add', ['/home/me/Private', { mirrorDeletions: false, keepLocal: 1 }])).not.toBeNull();
  });

  it('the queue:add handler hands keepLocal to the real queue, which uploads with it', async () => {
    const file = await textFile(dir, 'picked-private.txt', 4000);
    const { queue: q, sync: s } = await open('ipc');
    const grants = new PathGrants();
    grants.grant([file.path]); // as the file dialog would
    const deps = { connection: () => { throw new Error('unused'); }, queue: q, sync: s, grants } as unknown as HandlerDeps;
    const handlers = createIpcHandlers(deps);
    const [item] = await handlers['queue:add']({ paths: [file.path], keepLocal: true });
    expect(item!.keepLocal).toBe(true);
    const done = await completed(q, file.path);
    expect((await metadataOf(done)).keep_local).toBe(true);
  });
});
