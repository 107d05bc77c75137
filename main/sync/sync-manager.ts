/**
 * Folder sync: each watched folder is scanned once (its files queued in batches, with progress),
 * then watched with chokidar — new and changed files are queued, and deletions are optionally
 * mirrored on the server for files this app uploaded (a path → upload id map kept in
 * `<userData>/sync.json`). Runs in the main process, so it goes on with the window closed.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Stats } from 'node:fs';
import { watch, type FSWatcher } from 'chokidar';
import type { QueueItem, WatchedFolder } from '../../shared/ipc/contract.ts';
import { hasSupportedExtension, isIgnoredPath, isInside } from '../files.ts';
import { readJsonFile, writeJsonAtomic } from '../json-file.ts';

/**
 * The folder a synced file is in, as the library shows it: the synced folder's own name, then the
 * sub-folders down to the file (`/home/me/Pictures/Holidays/a.jpg` synced as `/home/me/Pictures`
 * → `Pictures/Holidays`), with `/` between the parts on every system.
 */
export function syncedFolderOf(root: string, file: string): string {
  const inside = path.relative(root, path.dirname(file)).split(path.sep).filter((p) => p !== '' && p !== '.');
  return [path.basename(root), ...inside].join('/');
}

/** What sync needs from the upload queue. */
export interface SyncQueue {
  add(paths: string[], opts: { source: 'sync'; keepLocal: boolean; metadata?: Record<string, unknown> }): Promise<QueueItem[]>;
  cancel(id: string): Promise<void>;
  /** Items still waiting to be uploaded are sent with `keep_local: true` after all. */
  keepLocal(ids: readonly string[]): Promise<string[]>;
  /** `settled`: an item reached a final state. Returns the unsubscribe. */
  onSettled(listener: (item: SettledItem) => void): () => void;
}

/** How a folder is synced. */
export interface FolderOptions {
  mirrorDeletions: boolean;
  /** Its files never reach a cloud AI model (uploaded with `keep_local: true`); absent: unchanged, or false for a new folder. */
  keepLocal?: boolean;
}

/** What the queue's `settled` event tells: an item it has finished with, and how it ended. */
export interface SettledItem {
  id: string;
  path: string;
  state: QueueItem['state'];
  uploadId: string | null;
  size: number;
  mtimeMs: number | null;
}

interface FileRecord {
  uploadId: string;
  size: number;
  mtimeMs: number | null;
  /** Uploaded by this app (not a duplicate of something already on the server): only these are deleted. */
  owned: boolean;
}

interface SyncFile {
  version: 1;
  folders: { path: string; mirrorDeletions: boolean; keepLocal?: boolean }[];
  files: Record<string, FileRecord>;
}

export interface SyncOptions {
  /** `<userData>/sync.json`. */
  file: string;
  queue: SyncQueue;
  /** DELETE /api/v1/upload/{id} on the server. */
  deleteUpload: (uploadId: string) => Promise<void>;
  onChange?: (folders: WatchedFolder[]) => void;
  paused?: boolean;
  /** Files handed to the queue at once during a scan, and how long a partial batch waits. */
  batchSize?: number;
  batchMs?: number;
  /** chokidar's awaitWriteFinish: a file is picked up once its size has been stable this long. */
  stabilityMs?: number;
  /** Use polling (network drives; tests on exotic file systems). */
  usePolling?: boolean;
  log?: (message: string, extra?: Record<string, unknown>) => void;
}

interface Folder {
  path: string;
  mirrorDeletions: boolean;
  keepLocal: boolean;
  scanned: number;
  queued: number;
  status: WatchedFolder['status'];
  error: string | null;
  watcher: FSWatcher | null;
  batch: Set<string>;
  batchTimer: NodeJS.Timeout | undefined;
}

export class SyncManager {
  private readonly list: Folder[] = [];
  private files: Record<string, FileRecord> = {};
  /** Sync-queued items not yet settled: path → queue item id. */
  private readonly pending = new Map<string, string>();
  /** A changed file's previous upload, deleted (when mirroring) once the new version is in. */
  private readonly replaced = new Map<string, FileRecord>();
  private paused: boolean;
  private emitTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly offSettled: () => void;
  private saving: Promise<void> = Promise.resolve();

  private constructor(private readonly opts: SyncOptions) {
    this.paused = opts.paused ?? false;
    this.offSettled = opts.queue.onSettled((item) => this.queueSettled(item));
  }

  static async open(opts: SyncOptions): Promise<SyncManager> {
    const sync = new SyncManager(opts);
    const saved = await readJsonFile<Partial<SyncFile>>(opts.file);
    sync.files = saved?.files ?? {};
    for (const f of saved?.folders ?? []) sync.list.push(sync.folder(f.path, { mirrorDeletions: f.mirrorDeletions, keepLocal: f.keepLocal === true }));
    if (!sync.paused) await Promise.all(sync.list.map((f) => sync.startWatching(f)));
    return sync;
  }

  folders(): WatchedFolder[] {
    return this.list.map((f) => ({
      path: f.path, mirrorDeletions: f.mirrorDeletions, keepLocal: f.keepLocal, scanned: f.scanned, queued: f.queued, status: f.status, error: f.error,
    }));
  }

  async addFolder(dir: string, opts: FolderOptions): Promise<WatchedFolder[]> {
    const stat = await fs.stat(dir).catch(() => null);
    if (!stat?.isDirectory()) throw new Error(`${dir} is not a folder.`);
    const existing = this.list.find((f) => f.path === dir);
    if (existing) {
      existing.mirrorDeletions = opts.mirrorDeletions;
      if (opts.keepLocal !== undefined && opts.keepLocal !== existing.keepLocal) {
        existing.keepLocal = opts.keepLocal;
        // Switched on: what is still waiting in the queue goes with the flag too (not yet seen by anyone).
        if (opts.keepLocal) await this.keepPendingLocal(existing);
      }
    } else {
      const overlap = this.list.find((f) => isInside(dir, f.path) || isInside(f.path, dir));
      if (overlap) throw new Error(`${dir} overlaps the watched folder ${overlap.path}; watch one or the other.`);
      const folder = this.folder(dir, { mirrorDeletions: opts.mirrorDeletions, keepLocal: opts.keepLocal ?? false });
      this.list.push(folder);
      if (!this.paused) await this.startWatching(folder);
    }
    await this.save();
    this.emit(true);
    return this.folders();
  }

  async removeFolder(dir: string): Promise<WatchedFolder[]> {
    const i = this.list.findIndex((f) => f.path === dir);
    if (i >= 0) {
      const [folder] = this.list.splice(i, 1);
      await this.stopWatching(folder!);
      // Forget its files (their uploads stay on the server).
      for (const p of Object.keys(this.files)) if (isInside(p, dir)) delete this.files[p];
      await this.save();
    }
    this.emit(true);
    return this.folders();
  }

  async pause(): Promise<void> {
    if (this.paused) return;
    this.paused = true;
    await Promise.all(this.list.map((f) => this.stopWatching(f)));
    for (const f of this.list) f.status = 'paused';
    this.emit(true);
  }

  /** Watches again; the new first scan queues whatever changed meanwhile (unchanged files are known and skipped). */
  async resume(): Promise<void> {
    if (!this.paused) return;
    this.paused = false;
    await Promise.all(this.list.map((f) => this.startWatching(f)));
    this.emit(true);
  }

  async close(): Promise<void> {
    this.closed = true;
    this.offSettled();
    clearTimeout(this.emitTimer);
    await Promise.all(this.list.map((f) => this.stopWatching(f)));
    await this.saving;
  }

  // ——— internals ———

  /** The queue settled an item: a synced file's upload is recorded (and a replaced version deleted when mirroring). */
  private queueSettled(item: SettledItem): void {
    if (this.pending.get(item.path) !== item.id) return;
    this.pending.delete(item.path);
    const previous = this.replaced.get(item.path);
    this.replaced.delete(item.path);
    if ((item.state === 'completed' || item.state === 'duplicate') && item.uploadId) {
      this.files[item.path] = { uploadId: item.uploadId, size: item.size, mtimeMs: item.mtimeMs, owned: item.state === 'completed' };
      if (previous && previous.uploadId !== item.uploadId && this.mirrors(item.path)) void this.deleteIfUnused(previous);
      void this.save();
    } else if (previous) {
      this.files[item.path] = previous;
    }
  }

  private folder(dir: string, opts: { mirrorDeletions: boolean; keepLocal: boolean }): Folder {
    return { path: dir, mirrorDeletions: opts.mirrorDeletions, keepLocal: opts.keepLocal, scanned: 0, queued: 0, status: this.paused ? 'paused' : 'scanning', error: null, watcher: null, batch: new Set(), batchTimer: undefined };
  }

  private async keepPendingLocal(folder: Folder): Promise<void> {
    const ids = [...this.pending].filter(([p]) => isInside(p, folder.path)).map(([, id]) => id);
    if (ids.length === 0) return;
    try {
      await this.opts.queue.keepLocal(ids);
    } catch (err) {
      this.opts.log?.('keeping queued files on this device failed', { err, folder: folder.path });
    }
  }

  private mirrors(file: string): boolean {
    return this.list.some((f) => f.mirrorDeletions && isInside(file, f.path));
  }

  private save(): Promise<void> {
    const data: SyncFile = { version: 1, folders: this.list.map((f) => ({ path: f.path, mirrorDeletions: f.mirrorDeletions, keepLocal: f.keepLocal })), files: this.files };
    this.saving = this.saving.then(() => writeJsonAtomic(this.opts.file, data)).catch((err: unknown) => this.opts.log?.('saving sync state failed', { err }));
    return this.saving;
  }

  /** Folder progress is told at most every 250 ms while scanning (a big first scan sends many events). */
  private emit(now = false): void {
    if (this.closed) return;
    if (now) {
      clearTimeout(this.emitTimer);
      this.emitTimer = undefined;
      this.opts.onChange?.(this.folders());
      return;
    }
    if (this.emitTimer) return;
    // Leading edge: the first change is told at once, the rest at most every 250 ms.
    if (Date.now() - this.lastEmit >= 250) {
      this.lastEmit = Date.now();
      this.opts.onChange?.(this.folders());
    }
    this.emitTimer = setTimeout(() => {
      this.emitTimer = undefined;
      this.lastEmit = Date.now();
      if (!this.closed) this.opts.onChange?.(this.folders());
    }, 250);
    this.emitTimer.unref?.();
  }
  private lastEmit = 0;

  private async startWatching(folder: Folder): Promise<void> {
    folder.status = 'scanning';
    folder.error = null;
    folder.scanned = 0;
    const root = folder.path;
    const stability = this.opts.stabilityMs ?? 1500;
    const watcher = watch(root, {
      ignoreInitial: false,
      alwaysStat: true,
      followSymlinks: false,
      usePolling: this.opts.usePolling ?? false,
      awaitWriteFinish: { stabilityThreshold: stability, pollInterval: Math.max(50, Math.round(stability / 5)) },
      ignored: (p: string, stats?: Stats) => isIgnoredPath(p, root) || (stats?.isFile() === true && !hasSupportedExtension(p)),
    });
    folder.watcher = watcher;
    watcher.on('add', (p: string, stats?: Stats) => this.seen(folder, p, stats, false));
    watcher.on('change', (p: string, stats?: Stats) => this.seen(folder, p, stats, true));
    watcher.on('unlink', (p: string) => void this.removed(folder, p));
    watcher.on('error', (err: unknown) => {
      folder.status = 'error';
      folder.error = err instanceof Error ? err.message : String(err);
      this.emit(true);
    });
    await new Promise<void>((resolve) => {
      watcher.once('ready', () => {
        if (folder.watcher === watcher && folder.status === 'scanning') folder.status = 'watching';
        void this.flush(folder).then(() => this.emit(true));
        resolve();
      });
      // A folder that cannot be read never becomes ready: do not wait for it.
      watcher.once('error', () => resolve());
    });
  }

  private async stopWatching(folder: Folder): Promise<void> {
    clearTimeout(folder.batchTimer);
    folder.batchTimer = undefined;
    folder.batch.clear();
    const w = folder.watcher;
    folder.watcher = null;
    if (w) await w.close();
  }

  private seen(folder: Folder, file: string, stats: Stats | undefined, changed: boolean): void {
    if (folder.watcher === null || !hasSupportedExtension(file)) return;
    if (folder.status === 'scanning') folder.scanned++;
    const known = this.files[file];
    if (known && stats && known.size === stats.size && known.mtimeMs === stats.mtimeMs) {
      this.emit();
      return; // uploaded before, unchanged
    }
    if (changed && known) this.replaced.set(file, known);
    folder.batch.add(file);
    if (folder.batch.size >= (this.opts.batchSize ?? 200)) void this.flush(folder);
    else if (!folder.batchTimer) folder.batchTimer = setTimeout(() => void this.flush(folder), this.opts.batchMs ?? 300);
    this.emit();
  }

  private async flush(folder: Folder): Promise<void> {
    clearTimeout(folder.batchTimer);
    folder.batchTimer = undefined;
    if (folder.batch.size === 0 || this.closed) return;
    const paths = [...folder.batch];
    folder.batch.clear();
    try {
      const keepLocal = folder.keepLocal;
      // Each file is sent with the folder it is in (`Pictures/Holidays/2023`): the library shows the tree.
      const byFolder = new Map<string, string[]>();
      for (const p of paths) {
        const rel = syncedFolderOf(folder.path, p);
        byFolder.set(rel, [...(byFolder.get(rel) ?? []), p]);
      }
      const items = [];
      for (const [rel, group] of byFolder) items.push(...await this.opts.queue.add(group, { source: 'sync', keepLocal, metadata: { folder: rel } }));
      for (const item of items) this.pending.set(item.path, item.id);
      // Switched on while this batch was being queued: it takes the flag too.
      if (folder.keepLocal && !keepLocal) await this.opts.queue.keepLocal(items.map((i) => i.id));
      folder.queued += items.length;
    } catch (err) {
      this.opts.log?.('queueing synced files failed', { err, folder: folder.path });
    }
    this.emit();
  }

  private async removed(folder: Folder, file: string): Promise<void> {
    folder.batch.delete(file);
    const itemId = this.pending.get(file);
    if (itemId) {
      this.pending.delete(file);
      await this.opts.queue.cancel(itemId).catch(() => undefined);
    }
    const record = this.files[file];
    if (!record) return;
    delete this.files[file];
    if (folder.mirrorDeletions) await this.deleteIfUnused(record);
    await this.save();
    this.emit();
  }

  /** Deletes an upload this app made, unless another watched path still has the same bytes. */
  private async deleteIfUnused(record: FileRecord): Promise<void> {
    if (!record.owned) return;
    if (Object.values(this.files).some((r) => r.uploadId === record.uploadId)) return;
    try {
      await this.opts.deleteUpload(record.uploadId);
    } catch (err) {
      this.opts.log?.('mirroring a deletion failed', { err, uploadId: record.uploadId });
    }
  }
}

