/**
 * The desktop app's upload queue: persistent, three files at a time, per-file progress, pause /
 * resume / cancel / retry, and patient when the server is away (uploads wait and continue from the
 * server's offset when it is back). Each file is hashed first and skipped as `duplicate` when the
 * server already has the bytes; otherwise it is sent with tus and then followed through processing.
 * What it shares with the CLI and the page comes from the client core (shared/api/client/): the tus
 * upload, when to try again, what a job's status means, which files of a folder to take. The queue
 * keeps what is its own: the items on disk, their states and thumbnails, waiting for a server that is away.
 */
import { isBatchAccepted } from '../../shared/api/client/tus-upload.ts';
import { randomUUID } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { suggestedAction } from '../../shared/api/client/actions.ts';
import { ApiError, isAbort, isUnreachable } from '../../shared/api/client/api-error.ts';
import { outcomeOfJob } from '../../shared/api/client/job-outcome.ts';
import { RETRY_DELAYS_MS, retryDelay } from '../../shared/api/client/retry.ts';
import { createTusUpload, type TusUpload } from '../../shared/api/client/tus-upload.ts';
import { TUS_PATH } from '../../shared/api/paths.ts';
import type { UploadAccepted } from '../../shared/api/schemas.ts';
import type { QueueItem } from '../../shared/ipc/contract.ts';
import { selectFiles } from '../../shared/node/file-selection.ts';
import { HashingStream } from '../../shared/node/hash.ts';
import type { ApiClient, Endpoint } from '../api-client.ts';
import type { ThumbnailMaker } from '../thumbnails.ts';
import { QueueStore, type PersistedItem } from './store.ts';

export interface UploadQueueOptions {
  /** `<userData>/upload-queue.json`. */
  file: string;
  api: ApiClient;
  /** The server to upload to right now; null while there is none. */
  endpoint: () => Endpoint | null;
  concurrency?: number;
  /** tus chunk size in bytes (default 8 MiB). */
  chunkSize?: number;
  thumbnails?: ThumbnailMaker;
  /** How often processing items ask the server for their job's progress. */
  pollMs?: number;
  /**
   * Waits before each new attempt after a retryable failure (default: the shared schedule,
   * shared/api/client/retry.ts). Past the last, a refusal stands; a server that is away is waited
   * for at the last delay, never given up on.
   */
  retryDelaysMs?: readonly number[];
  onChange?: (item: QueueItem) => void;
  /** Each chunk the server acknowledged (for statistics and tests). */
  onChunk?: (id: string, bytes: number, offset: number) => void;
  onError?: (err: unknown) => void;
  /** Whether the server is reachable at start (default true); `setOnline` changes it later. */
  online?: boolean;
  /**
   * The server answered 401. Return true to hold the queue until `setAuthorized(true)` (cloud mode:
   * the renderer renews the ID token) — the item waits instead of failing; false fails it as before.
   */
  onUnauthorized?: () => boolean;
}

export interface AddOptions {
  source?: 'user' | 'sync';
  metadata?: Record<string, unknown> | null;
  /** "Keep on this device": uploaded with metadata `keep_local: true`, so no cloud AI model sees it. */
  keepLocal?: boolean;
}

const ACTIVE = new Set<QueueItem['state']>(['hashing', 'uploading']);
const OPEN = new Set<QueueItem['state']>(['queued', 'hashing', 'uploading', 'paused', 'processing']);
const FINISHED = new Set<QueueItem['state']>(['completed', 'duplicate', 'cancelled']);

/** One attempt at one item: hashing, the duplicate check, the tus upload. */
class Task {
  stopped = false;
  tus: TusUpload | undefined;
  readonly hashing = new AbortController();

  async abort(terminate: boolean): Promise<void> {
    this.stopped = true;
    this.hashing.abort();
    await this.tus?.abort(terminate);
  }
}

export class UploadQueue {
  private readonly store: QueueStore;
  private readonly tasks = new Map<string, Task>();
  private readonly thumbs = new Map<string, string>();
  private readonly lastEmit = new Map<string, number>();
  private online = true;
  /** False while there is no usable credential (cloud mode, signed out or token refused): nothing is sent. */
  private authorized = true;
  private closed = false;
  private pumpTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private polling = false;
  private readonly retryAt = new Map<string, number>();
  private readonly concurrency: number;
  private readonly chunkSize: number;
  private readonly retryDelays: readonly number[];
  private readonly settledListeners = new Set<(item: Readonly<PersistedItem>) => void>();

  private constructor(private readonly opts: UploadQueueOptions, store: QueueStore) {
    this.store = store;
    this.concurrency = opts.concurrency ?? 3;
    this.chunkSize = opts.chunkSize ?? 8 * 1024 * 1024;
    this.retryDelays = opts.retryDelaysMs ?? RETRY_DELAYS_MS;
    this.online = opts.online ?? true;
  }

  /** Opens the queue file; uploads cut off by a quit or crash are queued again and resume. */
  static async open(opts: UploadQueueOptions): Promise<UploadQueue> {
    const store = await QueueStore.open(opts.file, opts.onError);
    const queue = new UploadQueue(opts, store);
    for (const item of store.items) {
      if (item.state === 'hashing' || item.state === 'uploading') item.state = 'queued';
    }
    await store.save();
    for (const item of store.items) if (OPEN.has(item.state) || item.state === 'failed') queue.makeThumbnail(item);
    queue.schedulePoll();
    queue.pump();
    return queue;
  }

  /**
   * `settled`: an item reached a final state (completed, duplicate, failed, cancelled); the listener
   * gets its outcome (state, upload id, path, size, mtime). Returns the unsubscribe.
   */
  onSettled(listener: (item: Readonly<PersistedItem>) => void): () => void {
    this.settledListeners.add(listener);
    return () => this.settledListeners.delete(listener);
  }

  list(): QueueItem[] {
    return this.store.items.map((i) => this.view(i));
  }

  get(id: string): QueueItem | undefined {
    const item = this.find(id);
    return item && this.view(item);
  }

  /** The internal record (sync uses the content hash and upload id). */
  record(id: string): Readonly<PersistedItem> | undefined {
    return this.find(id);
  }

  /**
   * Items for these paths: files as named, folders expanded by the shared selection rule
   * (shared/node/file-selection.ts). A path that cannot be read becomes a failed item saying why,
   * which Retry picks up again once the file is there.
   */
  async add(paths: string[], opts: AddOptions = {}): Promise<QueueItem[]> {
    const out: PersistedItem[] = [];
    const { files, problems } = await selectFiles(paths);
    for (const file of files) out.push(await this.addOne(file.path, opts, file.size));
    const unreadable: PersistedItem[] = [];
    for (const problem of problems) {
      const item = await this.addOne(problem.path, opts, 0);
      if (item.state === 'queued') {
        this.markFailed(item, problem.error.code, problem.error.message);
        unreadable.push(item);
      }
      out.push(item);
    }
    await this.store.save();
    for (const item of out) this.emit(item, true);
    for (const item of unreadable) this.settled(item);
    this.pump();
    return out.map((i) => this.view(i));
  }

  private async addOne(file: string, opts: AddOptions, knownSize?: number): Promise<PersistedItem> {
    const existing = this.store.items.find((i) => i.path === file && (OPEN.has(i.state) || i.state === 'failed' || i.state === 'cancelled'));
    if (existing) {
      // Added again with "keep on this device": the waiting item takes the flag (it may only tighten).
      if (opts.keepLocal && !isKeptLocal(existing) && existing.uploadId === null) await this.restrictToDevice(existing);
      if (existing.state === 'failed' || existing.state === 'cancelled') this.requeue(existing);
      return existing;
    }
    const size = knownSize ?? (await fs.stat(file).then((s) => s.size, () => 0));
    const item: PersistedItem = {
      id: randomUUID(), path: file, name: path.basename(file), size, state: 'queued', progress: 0, bytesSent: 0,
      uploadId: null, jobId: null, error: null, addedAt: new Date().toISOString(),
      source: opts.source ?? 'user', sha256: null, mtimeMs: null,
      metadata: opts.keepLocal ? { ...opts.metadata, keep_local: true } : opts.metadata ?? null, attempts: 0,
    };
    this.store.items.push(item);
    this.makeThumbnail(item);
    return item;
  }

  /**
   * "Keep on this device" for items already in the queue (a synced folder switched to it): each one
   * the server has not accepted yet is sent with `keep_local: true`. A running upload was created
   * without the flag, so it is stopped and its partial upload deleted on the server; it starts over.
   * Items the server already has keep what they were sent with. Returns the ids that took the flag.
   */
  async keepLocal(ids: readonly string[]): Promise<string[]> {
    const changed: string[] = [];
    for (const id of ids) {
      const item = this.find(id);
      if (!item || isKeptLocal(item) || item.uploadId !== null || FINISHED.has(item.state) || item.state === 'processing') continue;
      await this.restrictToDevice(item);
      changed.push(id);
    }
    if (changed.length > 0) {
      await this.store.save();
      this.pump();
    }
    return changed;
  }

  private async restrictToDevice(item: PersistedItem): Promise<void> {
    const running = this.tasks.has(item.id);
    if (item.sha256) this.store.removeTusEntries(fingerprintOf(item));
    if (running) await this.stopTask(item, true);
    item.metadata = { ...item.metadata, keep_local: true };
    if (running || ACTIVE.has(item.state)) {
      item.state = 'queued';
      item.progress = 0;
      item.bytesSent = 0;
    }
    this.emit(item, true);
  }

  async pause(id: string): Promise<void> {
    const item = this.find(id);
    if (!item || !(item.state === 'queued' || ACTIVE.has(item.state))) return;
    item.state = 'paused';
    await this.stopTask(item, false);
    await this.changed(item);
  }

  async resume(id: string): Promise<void> {
    const item = this.find(id);
    if (!item || item.state !== 'paused') return;
    item.state = 'queued';
    this.retryAt.delete(id);
    await this.changed(item);
    this.pump();
  }

  async cancel(id: string): Promise<void> {
    const item = this.find(id);
    if (!item || !(item.state === 'queued' || item.state === 'paused' || ACTIVE.has(item.state))) return;
    item.state = 'cancelled';
    item.error = null;
    await this.stopTask(item, true);
    if (item.sha256) this.store.removeTusEntries(fingerprintOf(item));
    await this.changed(item);
    this.settled(item);
    this.pump();
  }

  async retry(id: string): Promise<void> {
    const item = this.find(id);
    if (!item || (item.state !== 'failed' && item.state !== 'cancelled')) return;
    this.requeue(item);
    await this.changed(item);
    this.pump();
  }

  async pauseAll(): Promise<void> {
    for (const item of this.store.items) if (item.state === 'queued' || ACTIVE.has(item.state)) await this.pause(item.id);
  }

  async resumeAll(): Promise<void> {
    for (const item of this.store.items) if (item.state === 'paused') await this.resume(item.id);
  }

  /** Removes completed, duplicate and cancelled items from the list (failed ones stay until retried or cleared one by one). */
  async clearFinished(): Promise<void> {
    const gone = this.store.items.filter((i) => FINISHED.has(i.state));
    this.store.items = this.store.items.filter((i) => !FINISHED.has(i.state));
    for (const i of gone) {
      this.thumbs.delete(i.id);
      this.lastEmit.delete(i.id);
    }
    await this.store.save();
  }

  /** Told by the connection supervisor; going online retries waiting items at once. */
  setOnline(online: boolean): void {
    const wasOnline = this.online;
    this.online = online;
    if (online && !wasOnline) this.goAgain();
  }

  /** The way is clear again (server back, credential back): waiting items go now, processing ones are asked about. */
  private goAgain(): void {
    this.retryAt.clear();
    this.pump();
    this.schedulePoll(0);
  }

  /**
   * Whether the queue has a credential to upload with. Taking it away stops running uploads where
   * they are (back to `queued`, resumed from the server's offset later) — they must not go on with
   * a signed-out user's token; giving it back resumes at once.
   */
  async setAuthorized(authorized: boolean): Promise<void> {
    const was = this.authorized;
    this.authorized = authorized;
    if (authorized && !was) {
      this.goAgain();
    } else if (!authorized && was) {
      await this.holdActive();
    }
  }

  get isAuthorized(): boolean {
    return this.authorized;
  }

  private async holdActive(): Promise<void> {
    for (const item of this.store.items) {
      if (!this.tasks.has(item.id)) continue;
      await this.stopTask(item, false);
      if (ACTIVE.has(item.state)) {
        item.state = 'queued';
        await this.changed(item);
      }
    }
  }

  /** Quit: stops uploads where they are (they resume next time) and saves. */
  async shutdown(): Promise<void> {
    await this.stopEverything();
    await this.store.save();
  }

  /** As if the process died this instant: uploads stop, nothing more is saved. For crash tests. */
  async abandon(): Promise<void> {
    this.closed = true;
    this.store.dispose();
    await this.stopEverything();
  }

  private async stopEverything(): Promise<void> {
    this.closed = true;
    clearTimeout(this.pumpTimer);
    clearTimeout(this.pollTimer);
    await Promise.all([...this.tasks.values()].map((t) => t.abort(false)));
    this.tasks.clear();
  }

  // ——— internals ———

  private find(id: string): PersistedItem | undefined {
    return this.store.items.find((i) => i.id === id);
  }

  private view(item: PersistedItem): QueueItem {
    return {
      id: item.id, path: item.path, name: item.name, size: item.size, state: item.state, progress: item.progress,
      bytesSent: item.bytesSent, uploadId: item.uploadId, jobId: item.jobId, error: item.error,
      thumbnail: this.thumbs.get(item.id) ?? null, addedAt: item.addedAt, keepLocal: isKeptLocal(item),
      ...(item.batchId ? { batchId: item.batchId } : {}),
    };
  }

  private requeue(item: PersistedItem): void {
    item.state = 'queued';
    item.error = null;
    item.attempts = 0;
    item.progress = 0;
    this.retryAt.delete(item.id);
  }

  private settled(item: PersistedItem): void {
    for (const listener of this.settledListeners) listener(item);
  }

  private emit(item: PersistedItem, force: boolean): void {
    const now = Date.now();
    if (!force && now - (this.lastEmit.get(item.id) ?? 0) < 100) return;
    this.lastEmit.set(item.id, now);
    this.opts.onChange?.(this.view(item));
  }

  /** A state change: saved now, told at once. */
  private async changed(item: PersistedItem): Promise<void> {
    this.emit(item, true);
    await this.store.save();
  }

  private makeThumbnail(item: PersistedItem): void {
    if (!this.opts.thumbnails) return;
    void this.opts.thumbnails.make(item.path).then((url) => {
      if (!url || !this.find(item.id)) return;
      this.thumbs.set(item.id, url);
      this.emit(item, true);
    }, () => undefined);
  }

  private async stopTask(item: PersistedItem, terminate: boolean): Promise<void> {
    const task = this.tasks.get(item.id);
    this.tasks.delete(item.id);
    if (task) await task.abort(terminate);
  }

  private pump(): void {
    if (this.closed) return;
    clearTimeout(this.pumpTimer);
    this.pumpTimer = undefined;
    if (!this.online || !this.authorized) return;
    const now = Date.now();
    let nextWake = Infinity;
    for (const item of this.store.items) {
      if (this.tasks.size >= this.concurrency) break;
      if (item.state !== 'queued' || this.tasks.has(item.id)) continue;
      const at = this.retryAt.get(item.id) ?? 0;
      if (at > now) {
        nextWake = Math.min(nextWake, at);
        continue;
      }
      this.retryAt.delete(item.id);
      this.startTask(item);
    }
    if (nextWake < Infinity) {
      this.pumpTimer = setTimeout(() => this.pump(), Math.max(10, nextWake - now));
      this.pumpTimer.unref?.();
    }
  }

  private startTask(item: PersistedItem): void {
    const task = new Task();
    this.tasks.set(item.id, task);
    const isCurrent = () => !task.stopped && !this.closed && this.tasks.get(item.id) === task;
    void this.runTask(item, task, isCurrent).catch(async (err: unknown) => {
      if (!isCurrent() || isAbort(err)) return;
      await this.attemptFailed(item, err);
    }).finally(() => {
      if (this.tasks.get(item.id) === task) this.tasks.delete(item.id);
      this.pump();
    });
  }

  /** Hash (when the file changed), skip what the server has, upload the rest; each step gives way to a pause or cancel. */
  private async runTask(item: PersistedItem, task: Task, isCurrent: () => boolean): Promise<void> {
    const stat = await fs.stat(item.path).catch(() => null);
    if (!isCurrent()) return;
    if (!stat?.isFile()) return this.fail(item, 'FILE_MISSING', 'The file is no longer where it was added from.');
    if (stat.size === 0) return this.fail(item, 'EMPTY_FILE', 'The file is empty (0 bytes).');
    const sha = await this.hashIfChanged(item, stat, task, isCurrent);
    if (!isCurrent()) return;
    const known = await this.opts.api.findByHash(sha);
    if (!isCurrent()) return;
    if (known !== false) return this.settleAsDuplicate(item, known);
    const endpoint = this.opts.endpoint();
    if (!endpoint) throw new ApiError('NETWORK_ERROR', 'Not connected to a Trove server.');
    item.state = 'uploading';
    item.progress = Math.floor((item.bytesSent / item.size) * 100);
    await this.changed(item);
    // Paused or cancelled while that was saved: do not start an upload nobody will stop.
    if (!isCurrent()) return;
    task.tus = this.tusUpload(item, endpoint, isCurrent);
    const result = await task.tus.attempt();
    if (!isCurrent()) return;
    const settled = isBatchAccepted(result) ? this.unpacking(item, result.batch_id) : this.accepted(item, result);
    await this.changed(item);
    if (settled) this.settled(item);
    this.schedulePoll();
  }

  /** The content's SHA-256: hashed again only when the file's size or modification time changed. */
  private async hashIfChanged(item: PersistedItem, stat: Stats, task: Task, isCurrent: () => boolean): Promise<string> {
    if (item.sha256 && item.size === stat.size && item.mtimeMs === stat.mtimeMs) return item.sha256;
    item.state = 'hashing';
    item.size = stat.size;
    item.progress = 0;
    item.bytesSent = 0;
    await this.changed(item);
    if (!isCurrent()) throw new ApiError('ABORTED', 'Stopped before hashing.');
    const sha = await hashFile(item.path, task.hashing.signal, (done) => {
      item.progress = Math.floor((done / Math.max(1, stat.size)) * 100);
      this.emit(item, false);
    });
    item.sha256 = sha;
    item.mtimeMs = stat.mtimeMs;
    return sha;
  }

  private async settleAsDuplicate(item: PersistedItem, uploadId: string | null): Promise<void> {
    item.state = 'duplicate';
    item.uploadId = uploadId;
    item.progress = 100;
    item.error = null;
    await this.changed(item);
    this.settled(item);
  }

  /** The item's resumable upload: found again by its content's fingerprint in the queue file after a quit or crash. */
  private tusUpload(item: PersistedItem, endpoint: Endpoint, isCurrent: () => boolean): TusUpload {
    return createTusUpload({
      endpoint: `${endpoint.url}${TUS_PATH}`, input: createReadStream(item.path), size: item.size, filename: item.name,
      // source_path lets the UI offer "Show in folder" and "Open" for the local original.
      metadata: { ...item.metadata, source_path: item.path },
      // Asked before every request: a Firebase ID token renewed mid-upload is used from then on.
      headers: (): Record<string, string> => {
        const token = this.opts.endpoint()?.token;
        return token ? { Authorization: `Bearer ${token}` } : {};
      },
      chunkSize: this.chunkSize,
      urlStorage: this.store.urlStorage(() => this.opts.endpoint()?.url ?? endpoint.url),
      fingerprint: () => Promise.resolve(fingerprintOf(item)),
      onProgress: (sent, total) => {
        if (!isCurrent()) return;
        item.bytesSent = sent;
        item.progress = Math.min(99, Math.floor((sent / Math.max(1, total)) * 100));
        this.emit(item, false);
        this.store.saveLater();
      },
      onChunk: (bytes, offset) => {
        // Bytes got through: the failures before this one no longer count against the item (as tus-js-client counts).
        item.attempts = 0;
        this.opts.onChunk?.(item.id, bytes, offset);
      },
      fetchResult: (tusId) => this.opts.api.tusResult(tusId),
    });
  }

  /** A .zip the server unpacks: the item is done once sent; its entries are the batch's (the page expands it). */
  private unpacking(item: PersistedItem, batchId: string): boolean {
    item.batchId = batchId;
    item.state = 'completed';
    item.progress = 100;
    item.bytesSent = item.size;
    item.attempts = 0;
    item.error = null;
    return true;
  }

  /** Records the server's answer to a finished upload; true when that settles the item (a duplicate). */
  private accepted(item: PersistedItem, result: UploadAccepted): boolean {
    item.uploadId = result.upload_id;
    item.jobId = result.job_id;
    item.bytesSent = item.size;
    item.attempts = 0;
    item.error = null;
    if (result.duplicate) {
      item.state = 'duplicate';
      item.progress = 100;
      return true;
    }
    item.state = 'processing';
    item.progress = 0;
    return false;
  }

  /** A 401 the owner wants to fix with a new token: true when the queue is now held for it. */
  private heldForToken(err: unknown): boolean {
    if (!(err instanceof ApiError && err.status === 401) || !this.opts.onUnauthorized) return false;
    if (!this.authorized) return true; // already waiting: one notice per refusal
    if (!this.opts.onUnauthorized()) return false;
    void this.setAuthorized(false);
    return true;
  }

  private async attemptFailed(item: PersistedItem, err: unknown): Promise<void> {
    if (this.heldForToken(err)) {
      // Not the item's fault: back in line with no attempt counted, sent again with the next token.
      item.state = 'queued';
      await this.changed(item);
      return;
    }
    const error = err instanceof ApiError ? err : new ApiError('INTERNAL_ERROR', err instanceof Error ? err.message : String(err), 0, undefined, { cause: err });
    item.attempts++;
    // The shared rule decides (shared/api/client/retry.ts); a server that is away is waited for, never given up on.
    const delay = retryDelay(error, item.attempts - 1, this.retryDelays) ?? (isUnreachable(error) ? this.retryDelays.at(-1) ?? 1000 : null);
    if (delay !== null) {
      // Back in line; the tus URL is kept, so the next attempt continues where this one stopped.
      item.state = 'queued';
      this.retryAt.set(item.id, Date.now() + delay);
      await this.changed(item);
      return;
    }
    await this.fail(item, error.code, error.message);
  }

  private async fail(item: PersistedItem, code: string, message: string): Promise<void> {
    this.markFailed(item, code, message);
    await this.changed(item);
    this.settled(item);
  }

  private markFailed(item: PersistedItem, code: string, message: string): void {
    item.state = 'failed';
    item.error = { code, message, action: suggestedAction(code) };
  }

  /** Follows processing on the server for every item in `processing`, one request per item per round. */
  private schedulePoll(delay = this.opts.pollMs ?? 1500): void {
    if (this.closed || this.pollTimer) return;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.pollOnce().finally(() => {
        if (this.store.items.some((i) => i.state === 'processing')) this.schedulePoll();
      });
    }, delay);
    this.pollTimer.unref?.();
  }

  private async pollOnce(): Promise<void> {
    if (this.polling || !this.online || !this.authorized) return;
    this.polling = true;
    try {
      for (const item of this.store.items) {
        if (this.closed) return;
        if (item.state !== 'processing' || !item.jobId) continue;
        try {
          const outcome = outcomeOfJob(await this.opts.api.jobStatus(item.jobId));
          if (item.state !== 'processing') continue;
          if (!outcome.settled) {
            if (outcome.progress === item.progress) continue;
            item.progress = outcome.progress;
            this.emit(item, false);
            this.store.saveLater();
            continue;
          }
          item.state = outcome.state;
          item.progress = 100;
          item.error = outcome.error && { ...outcome.error, action: suggestedAction(outcome.error.code) };
          await this.changed(item);
          this.settled(item);
        } catch (err) {
          if (isUnreachable(err) || this.heldForToken(err)) return;
          if (err instanceof ApiError && err.code === 'NOT_FOUND') {
            await this.fail(item, 'NOT_FOUND', 'The server no longer knows this upload (it was deleted).');
          }
        }
      }
    } finally {
      this.polling = false;
    }
  }
}

/**
 * Where a cut-off upload is found again: the content, and whether it is kept on this device — an
 * upload created without `keep_local` must never be resumed for a file that now asks for it.
 */
const fingerprintOf = (item: PersistedItem): string => `trove-sha256:${item.sha256}:${item.size}${isKeptLocal(item) ? ':keep-local' : ''}`;

const isKeptLocal = (item: Pick<PersistedItem, 'metadata'>): boolean => item.metadata?.keep_local === true;

async function hashFile(file: string, signal: AbortSignal, onProgress: (bytes: number) => void): Promise<string> {
  const hasher = new HashingStream();
  let last = 0;
  hasher.on('data', () => {
    if (hasher.bytes - last >= 4 * 1024 * 1024) {
      last = hasher.bytes;
      onProgress(hasher.bytes);
    }
  });
  try {
    await pipeline(createReadStream(file), hasher, new Writable({ write: (_c, _e, done) => done() }), { signal });
  } catch (err) {
    if (signal.aborted) throw new ApiError('ABORTED', 'Hashing was stopped.');
    throw err;
  }
  return hasher.digest();
}
