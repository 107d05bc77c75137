/**
 * PaddleOCR for the server: PaddleEngine (paddle-engine.ts) in worker threads, so the event loop
 * stays free. onnxruntime-node runs each model call synchronously on the thread that calls it; on
 * the HTTP thread a photographed page held the event loop for 1.1–1.4 s.
 *
 * - Threads start with the first picture, up to `workers` (one per processing slot), each loading
 *   its own copy of the models (~100 MB), and stop after `idleMs` with nothing to read.
 * - Pictures wait in a queue, one in flight per thread. A call aborted while queued leaves the queue;
 *   an aborted call in flight is answered at once and its thread's result is dropped.
 * - A thread that dies fails only its picture (PROCESSING_FAILED, "try again") and is replaced on the
 *   next one. Errors from the engine keep their codes (CORRUPT_FILE, MODEL_UNAVAILABLE).
 * - `close()` fails what is queued, waits for what is in flight, and stops the threads.
 */
import type { Worker } from 'node:worker_threads';
import { TroveError } from '../../../shared/api/errors.ts';
import { abortError } from '../../../shared/node/media/failures.ts';
import type { Logger } from '../../logger.ts';
import { IdleRelease } from '../idle-release.ts';
import type { TextRecognizer } from '../types.ts';
import { startWorker, workerEntry } from '../worker-bootstrap.ts';
import type { OcrReply, OcrRequest, OcrThreadData } from './ocr-thread.ts';
import type { PaddleEngineOptions, PaddleFiles } from './paddle-engine.ts';

export interface PaddleOptions extends PaddleEngineOptions {
  /** Threads reading pictures side by side (one per processing slot); default 1. */
  workers?: number;
  /** A thread with nothing to read is stopped after this long, freeing its models; 0 or absent: never. */
  idleMs?: number;
  /** Told how many threads are running whenever that changes (the trove_model_workers gauge). */
  onWorkersChanged?: (running: number) => void;
  /** The thread's entry; tests point it at a wrapper. Default: ocr-thread beside this file. */
  workerUrl?: URL;
}

export interface PaddleStats {
  started: number;
  crashed: number;
  completed: number;
  /** Threads running now. */
  loaded: number;
  queued: number;
}

interface Job {
  imagePath: string;
  resolve(value: { text: string; confidence: number }): void;
  reject(err: unknown): void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

interface Thread {
  worker: Worker;
  /** The job in flight, if any (its id is the thread's next answer). */
  job: { id: number; job: Job } | undefined;
}

export class PaddleRecognizer implements TextRecognizer {
  readonly model = 'paddleocr-v4';

  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private readonly release: IdleRelease;
  private readonly maxThreads: number;
  private nextId = 1;
  private closed = false;
  private warned = false;
  private readonly counts = { started: 0, crashed: 0, completed: 0 };
  /** Resolved whenever a job leaves a thread (close() waits on it). */
  private drained: (() => void) | undefined;

  constructor(private readonly files: PaddleFiles, private readonly options: PaddleOptions = {}, private readonly log?: Logger) {
    this.maxThreads = Math.max(1, Math.floor(options.workers ?? 1));
    this.release = new IdleRelease(options.idleMs ?? 0, () => this.stopIdleThreads());
  }

  get stats(): PaddleStats {
    return { ...this.counts, loaded: this.threads.length, queued: this.queue.length };
  }

  recognize(imagePath: string, signal?: AbortSignal): Promise<{ text: string; confidence: number }> {
    if (this.closed) return Promise.reject(closedError());
    if (signal?.aborted) return Promise.reject(abortError(signal.reason));
    return new Promise((resolve, reject) => {
      const job: Job = { imagePath, resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal) {
        job.onAbort = () => {
          const queued = this.queue.indexOf(job);
          if (queued >= 0) this.queue.splice(queued, 1);
          this.settle(job, () => reject(abortError(signal.reason)));
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.release.busy();
      this.pump();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    this.release.busy();
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(closedError()));
    while (this.threads.some((t) => t.job)) await new Promise<void>((r) => (this.drained = r));
    await Promise.all(this.threads.splice(0).map((t) => t.worker.terminate()));
    this.options.onWorkersChanged?.(0);
  }

  /** Hands queued pictures to idle threads, starting threads up to the limit. */
  private pump(): void {
    while (this.queue.length > 0) {
      let thread = this.threads.find((t) => !t.job);
      if (!thread && this.threads.length < this.maxThreads) thread = this.startThread();
      if (!thread) return;
      const job = this.queue.shift()!;
      const id = this.nextId++;
      thread.job = { id, job };
      thread.worker.postMessage({ id, imagePath: job.imagePath } satisfies OcrRequest);
    }
  }

  private startThread(): Thread {
    const { workers: _w, idleMs: _i, onWorkersChanged: _o, workerUrl, ...engine } = this.options;
    const data: OcrThreadData = { files: this.files, options: engine };
    const worker = startWorker(workerUrl ?? workerEntry('ocr-thread', import.meta.url), { workerData: data });
    worker.unref(); // an idle OCR thread never keeps the process alive
    const thread: Thread = { worker, job: undefined };
    this.threads.push(thread);
    this.counts.started++;
    this.options.onWorkersChanged?.(this.threads.length);
    worker.on('message', (reply: OcrReply) => {
      const current = thread.job;
      if (!current || current.id !== reply.id) return;
      thread.job = undefined;
      this.counts.completed++;
      const { job } = current;
      if (reply.ok) this.settle(job, () => job.resolve({ text: reply.text, confidence: reply.confidence }));
      else {
        if (reply.code === 'MODEL_UNAVAILABLE' && !this.warned) {
          this.warned = true;
          this.log?.warn({ details: reply.details }, 'The OCR models could not be loaded; pictures are indexed without their text meanwhile (logged once)');
        }
        this.settle(job, () => job.reject(new TroveError(reply.code, reply.message, reply.details ?? undefined)));
      }
      this.afterJob();
    });
    let gone = false;
    const died = (reason: string) => {
      if (gone) return;
      gone = true;
      const index = this.threads.indexOf(thread);
      if (index >= 0) this.threads.splice(index, 1);
      const current = thread.job;
      thread.job = undefined;
      if (!this.closed) {
        this.counts.crashed++;
        this.options.onWorkersChanged?.(this.threads.length);
        this.log?.warn({ reason }, 'An OCR thread stopped; it is replaced on the next picture');
      }
      if (current) {
        const { job } = current;
        this.settle(job, () => job.reject(new TroveError('PROCESSING_FAILED', 'Text recognition stopped unexpectedly; try again.', { reason })));
      }
      this.afterJob();
    };
    worker.on('error', (err) => died(err.message));
    worker.on('exit', (code) => died(`exit code ${code}`));
    return thread;
  }

  private afterJob(): void {
    this.drained?.();
    this.drained = undefined;
    if (this.closed) return;
    this.pump();
    if (this.queue.length === 0 && this.threads.every((t) => !t.job)) this.release.idle();
  }

  private stopIdleThreads(): void {
    const idle = this.threads.filter((t) => !t.job);
    if (idle.length === 0) return;
    for (const t of idle) this.threads.splice(this.threads.indexOf(t), 1);
    this.options.onWorkersChanged?.(this.threads.length);
    // Removed from the list first, so their exit is not taken for a crash.
    for (const t of idle) {
      t.worker.removeAllListeners('exit');
      t.worker.removeAllListeners('error');
      void t.worker.terminate();
    }
  }

  private settle(job: Job, fn: () => void): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    fn();
  }
}

function closedError(): TroveError {
  return new TroveError('SERVICE_UNAVAILABLE', 'Text recognition has been shut down.');
}
