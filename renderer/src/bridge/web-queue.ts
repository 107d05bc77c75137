/**
 * The browser's upload queue: files go straight to the server (three at a time, with per-file byte
 * progress; small ones as one request, large ones resumably), then follow their processing through
 * the live events (with a status poll as a fallback when no event arrived for a while). Cancel,
 * retry, pause/resume all. What is shared with the CLI and the desktop queue comes from the client
 * core: which files of a folder to take, when to try again, what a job's status means.
 */
import { isBatchAccepted } from '../../../shared/api/client/tus-upload.ts';
import { ApiError, isAbort } from '../../../shared/api/client/api-error.ts';
import { suggestedAction } from '../../../shared/api/client/actions.ts';
import { outcomeOfEvent, outcomeOfJob, type JobOutcome } from '../../../shared/api/client/job-outcome.ts';
import { withRetries } from '../../../shared/api/client/retry.ts';
import type { JobStatus, UploadEvent } from '../../../shared/api/schemas.ts';
import { isChosenInFolder } from '../../../shared/file-selection.ts';
import type { UploadTransport } from '../api/upload.ts';
import { folderOfFile } from '../lib/dropped-folders.ts';
import type { UploadItem } from './upload-item.ts';

export interface WebQueueOptions {
  transport: UploadTransport;
  retryProcessing: (uploadId: string) => Promise<{ job_id: string }>;
  jobStatus: (jobId: string) => Promise<JobStatus>;
  concurrency?: number;
  /** How long a processing file may go without an event before its status is polled (ms). */
  pollAfterMs?: number;
  /** Waits before each new attempt of a failed upload (default: the shared schedule, retry.ts). */
  retryDelaysMs?: readonly number[];
  now?: () => number;
}

interface Entry {
  item: UploadItem;
  file: File;
  /** The upload's `metadata` JSON (`keep_local: true` for "Keep on this device"), or null. */
  metadata: Record<string, unknown> | null;
  /** Stops the running upload, and any wait before its next attempt. */
  abort: (() => void) | null;
  /** Why the running upload was aborted: to tell a cancel from a pause. */
  abortReason: 'cancel' | 'pause' | null;
  lastHeardAt: number;
  objectUrl: string | null;
}

const THUMBNAIL_MAX_BYTES = 25 * 1024 * 1024;
let counter = 0;

export class WebUploadQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(item: UploadItem) => void>();
  /** Events that arrived before their upload's response (processing can start that fast). */
  private readonly early = new Map<string, UploadEvent>();
  private paused = false;
  private running = 0;
  private pollTimer: ReturnType<typeof setInterval> | null = null;
  private readonly concurrency: number;
  private readonly pollAfterMs: number;
  private readonly now: () => number;

  constructor(private readonly opts: WebQueueOptions) {
    this.concurrency = opts.concurrency ?? 3;
    this.pollAfterMs = opts.pollAfterMs ?? 5000;
    this.now = opts.now ?? Date.now;
  }

  onChanged(listener: (item: UploadItem) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(): UploadItem[] {
    return [...this.entries.values()].map((e) => ({ ...e.item }));
  }

  /**
   * Queues files; with `keepLocal` they are sent with metadata `keep_local: true` (no cloud AI model
   * sees them). A file picked on its own is taken as it is; one from a dropped or picked folder (it
   * has a `webkitRelativePath`) only when the shared folder rule takes it (shared/file-selection.ts).
   */
  add(files: File[], opts: { keepLocal?: boolean } = {}): UploadItem[] {
    const keepLocal = opts.keepLocal === true;
    const added: UploadItem[] = [];
    for (const file of files.filter(isTakenFile)) {
      counter += 1;
      const id = `web-${this.now().toString(36)}-${counter}`;
      const objectUrl = file.type.startsWith('image/') && file.size <= THUMBNAIL_MAX_BYTES && typeof URL.createObjectURL === 'function'
        ? URL.createObjectURL(file) : null;
      const item: UploadItem = {
        // A folder's file keeps where it was in the folder (`holiday/day 1/beach.jpg`).
        id, path: file.webkitRelativePath || file.name, name: file.name, size: file.size, state: this.paused ? 'paused' : 'queued',
        progress: 0, bytesSent: 0, uploadId: null, jobId: null, error: null, thumbnail: objectUrl,
        addedAt: new Date(this.now()).toISOString(), stage: null, keepLocal,
      };
      const folder = folderOfFile(file);
      const metadata = keepLocal || folder ? { ...(keepLocal ? { keep_local: true } : {}), ...(folder ? { folder } : {}) } : null;
      this.entries.set(id, { item, file, metadata, abort: null, abortReason: null, lastHeardAt: this.now(), objectUrl });
      added.push({ ...item });
      this.emit(id);
    }
    this.pump();
    return added;
  }

  cancel(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    if (e.item.state === 'uploading' && e.abort) {
      e.abortReason = 'cancel';
      e.abort();
      return;
    }
    if (e.item.state === 'queued' || e.item.state === 'paused') this.update(id, { state: 'cancelled', progress: 0 });
  }

  async retry(id: string): Promise<void> {
    const e = this.entries.get(id);
    if (!e || (e.item.state !== 'failed' && e.item.state !== 'cancelled')) return;
    if (e.item.uploadId && e.item.state === 'failed') {
      // The bytes are on the server already: only processing failed, so process them again.
      this.update(id, { state: 'processing', progress: 0, stage: 'queued', error: null });
      e.lastHeardAt = this.now();
      try {
        const { job_id } = await this.opts.retryProcessing(e.item.uploadId);
        this.update(id, { jobId: job_id });
      } catch (err) {
        this.fail(id, err);
      }
      this.ensurePolling();
      return;
    }
    this.update(id, { state: this.paused ? 'paused' : 'queued', progress: 0, bytesSent: 0, error: null, stage: null });
    this.pump();
  }

  /** New uploads wait; the ones already sending finish (a browser cannot pause a request). */
  pauseAll(): void {
    this.paused = true;
    for (const [id, e] of this.entries) if (e.item.state === 'queued') this.update(id, { state: 'paused' });
  }

  resumeAll(): void {
    this.paused = false;
    for (const [id, e] of this.entries) if (e.item.state === 'paused') this.update(id, { state: 'queued' });
    this.pump();
  }

  get isPaused(): boolean {
    return this.paused;
  }

  clearFinished(): void {
    for (const [id, e] of this.entries) {
      if (e.item.state === 'completed' || e.item.state === 'duplicate' || e.item.state === 'cancelled' || e.item.state === 'failed') {
        if (e.objectUrl) URL.revokeObjectURL(e.objectUrl);
        this.entries.delete(id);
      }
    }
  }

  /** A live event from `GET /events`. */
  applyEvent(ev: UploadEvent): void {
    const found = this.findByUpload(ev.upload_id);
    if (!found) {
      this.early.set(ev.upload_id, ev);
      if (this.early.size > 500) this.early.delete(this.early.keys().next().value!);
      return;
    }
    this.applyTo(found[0], found[1], outcomeOfEvent(ev), ev.job_id);
  }

  dispose(): void {
    if (this.pollTimer) clearInterval(this.pollTimer);
    this.pollTimer = null;
    for (const e of this.entries.values()) {
      if (e.abort) {
        e.abortReason = 'cancel';
        e.abort();
      }
      if (e.objectUrl) URL.revokeObjectURL(e.objectUrl);
    }
    this.listeners.clear();
  }

  /** What the server said of a processing file (event or status poll): progress, or its final state. */
  private applyTo(id: string, e: Entry, outcome: JobOutcome, jobId: string | null): void {
    e.lastHeardAt = this.now();
    const state = e.item.state;
    // A failed file hears again only of a retry's progress or success (its processing was restarted).
    if (state !== 'processing' && !(state === 'failed' && !(outcome.settled && outcome.state !== 'completed'))) return;
    if (!outcome.settled) {
      this.update(id, { state: 'processing', progress: outcome.progress, stage: outcome.stage, error: null, jobId: jobId ?? e.item.jobId });
    } else if (outcome.state === 'completed') {
      this.update(id, { state: 'completed', progress: 100, stage: null, error: null });
    } else {
      const { code, message } = outcome.error;
      this.update(id, { state: outcome.state, progress: 100, stage: null, error: { code, message, action: suggestedAction(code) } });
    }
    this.ensurePolling();
  }

  private findByUpload(uploadId: string): [string, Entry] | undefined {
    for (const [id, e] of this.entries) if (e.item.uploadId === uploadId) return [id, e];
    return undefined;
  }

  private pump(): void {
    if (this.paused) return;
    for (const [id, e] of this.entries) {
      if (this.running >= this.concurrency) break;
      if (e.item.state === 'queued') this.start(id, e);
    }
  }

  private start(id: string, e: Entry): void {
    this.running += 1;
    e.abortReason = null;
    this.update(id, { state: 'uploading', progress: 0, bytesSent: 0, error: null });
    const handle = this.opts.transport(e.file, (sent, total) => {
      const progress = total > 0 ? Math.min(100, Math.floor((sent / total) * 100)) : 0;
      if (progress !== e.item.progress || sent === total) this.update(id, { progress, bytesSent: Math.min(sent, e.file.size) });
    }, { metadata: e.metadata });
    const stop = new AbortController();
    e.abort = () => {
      stop.abort();
      handle.abort();
    };
    withRetries(() => handle.attempt(), { signal: stop.signal, delays: this.opts.retryDelaysMs }).then((accepted) => {
      e.lastHeardAt = this.now();
      if (isBatchAccepted(accepted)) {
        // An archive: the server reads its entries now; the row expands to them (stores/batches.ts).
        this.update(id, { state: 'completed', progress: 100, bytesSent: e.file.size, batchId: accepted.batch_id, stage: null });
        return;
      }
      if (accepted.duplicate) {
        this.update(id, { state: 'duplicate', progress: 100, bytesSent: e.file.size, uploadId: accepted.upload_id, jobId: accepted.job_id, stage: null });
        return;
      }
      this.update(id, { state: 'processing', progress: 0, bytesSent: e.file.size, uploadId: accepted.upload_id, jobId: accepted.job_id, stage: 'queued' });
      const early = this.early.get(accepted.upload_id);
      if (early) {
        this.early.delete(accepted.upload_id);
        this.applyTo(id, e, outcomeOfEvent(early), early.job_id);
      }
      this.ensurePolling();
    }, (err: unknown) => {
      if (isAbort(err)) {
        this.update(id, { state: e.abortReason === 'pause' ? 'paused' : 'cancelled', progress: 0, bytesSent: 0 });
      } else {
        this.fail(id, err);
      }
    }).finally(() => {
      e.abort = null;
      this.running -= 1;
      this.pump();
    });
  }

  private fail(id: string, err: unknown): void {
    const apiErr = err instanceof ApiError ? err : new ApiError('INTERNAL_ERROR', err instanceof Error ? err.message : String(err));
    this.update(id, { state: 'failed', stage: null, error: { code: apiErr.code, message: apiErr.message, action: suggestedAction(apiErr.code) } });
  }

  /** Polls the status of files that have been quiet for a while (events lost, stream reconnecting). */
  private ensurePolling(): void {
    if (this.pollTimer) return;
    this.pollTimer = setInterval(() => void this.poll(), Math.max(1000, Math.floor(this.pollAfterMs / 2)));
  }

  private async poll(): Promise<void> {
    const quiet = [...this.entries.entries()].filter(([, e]) => e.item.state === 'processing');
    if (quiet.length === 0) {
      if (this.pollTimer) clearInterval(this.pollTimer);
      this.pollTimer = null;
      return;
    }
    await Promise.all(quiet.filter(([, e]) => this.now() - e.lastHeardAt >= this.pollAfterMs && e.item.jobId).map(async ([id, e]) => {
      e.lastHeardAt = this.now();
      try {
        const job = await this.opts.jobStatus(e.item.jobId!);
        this.applyTo(id, e, outcomeOfJob(job), job.job_id);
      } catch {
        // The next round tries again; the stream may come back meanwhile.
      }
    }));
  }

  private update(id: string, patch: Partial<UploadItem>): void {
    const e = this.entries.get(id);
    if (!e) return;
    e.item = { ...e.item, ...patch };
    this.emit(id);
  }

  private emit(id: string): void {
    const e = this.entries.get(id);
    if (!e) return;
    const snapshot = { ...e.item };
    for (const l of this.listeners) l(snapshot);
  }
}

/** Files from a folder (the browser gives their path inside it) pass the shared folder rule; others are taken as chosen. */
function isTakenFile(file: File): boolean {
  const relative = file.webkitRelativePath;
  if (!relative) return true;
  // `folder/sub/name.jpg`: the first segment is the folder the user chose, whatever its name.
  return isChosenInFolder(relative.split('/').slice(1).join('/'));
}
