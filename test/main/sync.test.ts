/**
 * Folder sync with real chokidar on temp folders: the first scan of a large folder in batches with
 * progress, ignored names, new and changed files, deletions mirrored (only for uploads this app
 * made), pause/resume, and a restart that does not queue unchanged files again.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { QueueItem, WatchedFolder } from '../../shared/ipc/contract.ts';
import { isIgnoredName } from '../../main/files.ts';
import { SyncManager, type SettledItem, type SyncQueue } from '../../main/sync/sync-manager.ts';
import { sleep, tempDir, waitFor } from './helpers.ts';

class FakeQueue implements SyncQueue {
  batches: string[][] = [];
  cancelled: string[] = [];
  private n = 0;
  readonly ids = new Map<string, string>();
  /** Whether each batch was added with "keep on this device". */
  keepLocalBatches: boolean[] = [];
  async add(paths: string[], opts?: { keepLocal: boolean }): Promise<QueueItem[]> {
    this.batches.push(paths);
    this.keepLocalBatches.push(opts?.keepLocal ?? false);
    return paths.map((p) => {
      const id = `item-${++this.n}`;
      this.ids.set(p, id);
      return { id, path: p, name: path.basename(p), size: 1, state: 'queued', progress: 0, bytesSent: 0, uploadId: null, jobId: null, error: null, thumbnail: null, addedAt: new Date().toISOString() };
    });
  }
  async cancel(id: string): Promise<void> {
    this.cancelled.push(id);
  }
  keptLocal: string[] = [];
  async keepLocal(ids: readonly string[]): Promise<string[]> {
    this.keptLocal.push(...ids);
    return [...ids];
  }
  get queued(): string[] {
    return this.batches.flat();
  }
  private readonly settledListeners = new Set<(item: SettledItem) => void>();
  onSettled(listener: (item: SettledItem) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }
  /** Emits `settled` the way the upload queue does when an item reaches a final state. */
  settle(item: SettledItem): void {
    for (const listener of this.settledListeners) listener(item);
  }
}

let root: string;
let queue: FakeQueue;
let deleted: string[];
let progress: WatchedFolder[][];
let sync: SyncManager | undefined;

const open = (paused = false) => SyncManager.open({
  file: path.join(root, 'sync.json'), queue, deleteUpload: async (id) => void deleted.push(id),
  onChange: (f) => progress.push(f), stabilityMs: 100, batchMs: 50, batchSize: 100, paused,
});

/** The queue finished an item: its `settled` event, which sync subscribes to. */
async function settle(file: string, uploadId: string, state: SettledItem['state'] = 'completed') {
  const st = await fs.stat(file);
  queue.settle({ id: queue.ids.get(file)!, path: file, state, uploadId, size: st.size, mtimeMs: st.mtimeMs });
}

beforeEach(async () => {
  root = await tempDir('trove-sync-');
  queue = new FakeQueue();
  deleted = [];
  progress = [];
});

afterEach(async () => {
  await sync?.close();
  sync = undefined;
  await fs.rm(root, { recursive: true, force: true });
});

describe('folder sync', () => {
  it('scans a large folder in batches with progress, skipping hidden, temporary and partial files', async () => {
    const dir = path.join(root, 'Photos');
    await fs.mkdir(path.join(dir, 'trip', '.git'), { recursive: true });
    const wanted: string[] = [];
    for (let i = 0; i < 450; i++) {
      const p = path.join(dir, i % 2 ? 'trip' : '', `note-${String(i).padStart(3, '0')}.txt`);
      wanted.push(p);
      await fs.writeFile(p, `note ${i}`);
    }
    const ignored = ['.hidden.txt', '~$report.docx', 'draft.tmp', 'movie.mp4.part', 'video.mp4.crdownload', '.DS_Store', 'setup.exe', 'trip/.git/notes.txt'];
    for (const name of ignored) await fs.writeFile(path.join(dir, name), 'x');
    sync = await open();
    const folders = await sync.addFolder(dir, { mirrorDeletions: false });
    expect(folders).toEqual([expect.objectContaining({ path: dir, status: 'watching', scanned: 450 })]);
    await waitFor('every file to be queued', () => queue.queued.length === 450);
    expect(new Set(queue.queued)).toEqual(new Set(wanted));
    expect(queue.batches.length).toBeGreaterThanOrEqual(5);
    expect(Math.max(...queue.batches.map((b) => b.length))).toBeLessThanOrEqual(100);
    expect(progress.some((p) => p[0]?.status === 'scanning' && p[0].scanned > 0 && p[0].scanned < 450)).toBe(true);
    await waitFor('the queued count', () => sync!.folders()[0]!.queued === 450);
    expect(['.hidden.txt', '~$report.docx', 'draft.tmp', 'movie.mp4.part', 'video.mp4.crdownload', '.DS_Store'].every(isIgnoredName)).toBe(true);
  });

  it('queues new and changed files, mirrors deletions of its own uploads, and cancels files deleted before upload', async () => {
    const dir = path.join(root, 'Docs');
    await fs.mkdir(dir);
    sync = await open();
    await sync.addFolder(dir, { mirrorDeletions: true });
    expect(queue.queued).toEqual([]);

    const a = path.join(dir, 'a.txt');
    await fs.writeFile(a, 'first version');
    await waitFor('a new file to be queued', () => queue.queued.includes(a));
    await settle(a, 'upload-a1');

    // Changed: queued again; when the new version is in, the old upload is deleted (mirroring).
    await sleep(20);
    await fs.writeFile(a, 'second version, longer');
    await waitFor('the change to be queued', () => queue.queued.filter((p) => p === a).length === 2);
    await settle(a, 'upload-a2');
    await waitFor('the old version to be deleted', () => deleted.includes('upload-a1'));

    // Deleted locally: deleted on the server.
    await fs.rm(a);
    await waitFor('the deletion to be mirrored', () => deleted.includes('upload-a2'));

    // A duplicate of something already on the server is not this app's to delete.
    const b = path.join(dir, 'b.txt');
    await fs.writeFile(b, 'bytes the server already had');
    await waitFor('b to be queued', () => queue.queued.includes(b));
    await settle(b, 'someone-elses-upload', 'duplicate');
    await fs.rm(b);
    await sleep(400);
    expect(deleted).not.toContain('someone-elses-upload');

    // Deleted before it was uploaded: the queue item is cancelled.
    const c = path.join(dir, 'c.txt');
    await fs.writeFile(c, 'short-lived');
    await waitFor('c to be queued', () => queue.queued.includes(c));
    await fs.rm(c);
    await waitFor('c to be cancelled', () => queue.cancelled.includes(queue.ids.get(c)!));
  });

  it('does not mirror deletions unless asked, pauses and resumes, and remembers what it uploaded across a restart', async () => {
    const dir = path.join(root, 'Music');
    await fs.mkdir(dir);
    const one = path.join(dir, 'one.txt');
    await fs.writeFile(one, 'one');
    sync = await open();
    await sync.addFolder(dir, { mirrorDeletions: false });
    await waitFor('one to be queued', () => queue.queued.includes(one));
    await settle(one, 'upload-one');

    await sync.pause();
    expect(sync.folders()[0]!.status).toBe('paused');
    const two = path.join(dir, 'two.txt');
    await fs.writeFile(two, 'two');
    await sleep(400);
    expect(queue.queued).not.toContain(two);
    await sync.resume();
    await waitFor('two to be queued after resume', () => queue.queued.includes(two));
    expect(queue.queued.filter((p) => p === one)).toHaveLength(1); // unchanged: not queued again

    // Restart: the folder is remembered, known files are skipped, new ones queued.
    await settle(two, 'upload-two');
    await sync.close();
    queue.batches = [];
    const three = path.join(dir, 'three.txt');
    await fs.writeFile(three, 'three');
    sync = await open();
    expect(sync.folders()).toEqual([expect.objectContaining({ path: dir, mirrorDeletions: false })]);
    await waitFor('three to be queued', () => queue.queued.includes(three));
    await sleep(200);
    expect(queue.queued).toEqual([three]);

    await fs.rm(one);
    await sleep(400);
    expect(deleted).toEqual([]);

    await expect(sync.addFolder(path.join(dir), { mirrorDeletions: true })).resolves.toEqual([expect.objectContaining({ mirrorDeletions: true })]);
    await fs.mkdir(path.join(dir, 'inner'));
    await expect(sync.addFolder(path.join(dir, 'inner'), { mirrorDeletions: false })).rejects.toThrow(/overlaps/);
    await expect(sync.addFolder(path.join(root, 'missing'), { mirrorDeletions: false })).rejects.toThrow(/not a folder/);
    expect(await sync.removeFolder(dir)).toEqual([]);
  });

  it('keeps a folder\'s files on this device when asked: its batches carry the flag, the setting survives a restart, switching it on flags what still waits', async () => {
    const priv = path.join(root, 'Private');
    const open_ = path.join(root, 'Shared');
    await fs.mkdir(priv);
    await fs.mkdir(open_);
    await fs.writeFile(path.join(priv, 'diary.txt'), 'dear diary');
    await fs.writeFile(path.join(open_, 'poster.txt'), 'a poster');
    sync = await open();
    expect(await sync.addFolder(priv, { mirrorDeletions: false, keepLocal: true })).toEqual([expect.objectContaining({ path: priv, keepLocal: true })]);
    await waitFor('the diary to be queued', () => queue.queued.includes(path.join(priv, 'diary.txt')));
    await sync.addFolder(open_, { mirrorDeletions: false });
    await waitFor('the poster to be queued', () => queue.queued.includes(path.join(open_, 'poster.txt')));
    const flagOf = (file: string) => queue.keepLocalBatches[queue.batches.findIndex((b) => b.includes(file))];
    expect(flagOf(path.join(priv, 'diary.txt'))).toBe(true);
    expect(flagOf(path.join(open_, 'poster.txt'))).toBe(false);

    // Changing only the mirror option leaves keep-local as it was.
    expect((await sync.addFolder(priv, { mirrorDeletions: true })).find((f) => f.path === priv)).toMatchObject({ mirrorDeletions: true, keepLocal: true });

    // Switched on for the shared folder while its poster still waits in the queue: the queue is told.
    expect(queue.keptLocal).toEqual([]);
    await sync.addFolder(open_, { mirrorDeletions: false, keepLocal: true });
    expect(queue.keptLocal).toEqual([queue.ids.get(path.join(open_, 'poster.txt'))]);
    await fs.writeFile(path.join(open_, 'later.txt'), 'added after the switch');
    await waitFor('the new file to be queued', () => queue.queued.includes(path.join(open_, 'later.txt')));
    expect(flagOf(path.join(open_, 'later.txt'))).toBe(true);

    // Remembered across a restart (sync.json).
    await sync.close();
    sync = await open();
    expect(sync.folders().map((f) => [path.basename(f.path), f.keepLocal])).toEqual([['Private', true], ['Shared', true]]);
    await sync.addFolder(open_, { mirrorDeletions: false, keepLocal: false });
    expect(JSON.parse(await fs.readFile(path.join(root, 'sync.json'), 'utf8')).folders).toEqual([
      { path: priv, mirrorDeletions: true, keepLocal: true },
      { path: open_, mirrorDeletions: false, keepLocal: false },
    ]);
  });

  it('starts paused when sync was paused at quit', async () => {
    const dir = path.join(root, 'Paused');
    await fs.mkdir(dir);
    await fs.writeFile(path.join(dir, 'x.txt'), 'x');
    sync = await open(true);
    expect(await sync.addFolder(dir, { mirrorDeletions: false })).toEqual([expect.objectContaining({ status: 'paused' })]);
    await sleep(300);
    expect(queue.queued).toEqual([]);
  });
});
