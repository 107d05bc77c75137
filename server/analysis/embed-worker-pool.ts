/**
 * Runs the offline text model (USE-lite) in worker threads, so the HTTP thread only routes: the
 * `TextModel` that OfflineEmbedder batches into (it merges concurrent calls and keeps up to
 * `threads` batches in flight, one per thread).
 *
 * - The first thread starts on the first call (or `warmUp`) and stays: the query model must answer
 *   at once. More threads start only while every running one is busy, and each extra one stops
 *   after `idleMs` unused (TROVE_MODEL_IDLE_S), freeing its copy of the model (~100 MB).
 * - A batch goes only to a thread whose model has loaded, so a thread still loading never holds up
 *   work another thread could do.
 * - A thread that dies fails only the batch it was running, with MODEL_UNAVAILABLE ("try again"),
 *   and is replaced on the next call; one that dies or fails while loading fails the waiting
 *   batches (a model that cannot load would otherwise be restarted forever).
 * - `close()` fails what is still queued and terminates the threads.
 */
import type { Worker } from 'node:worker_threads';
import { TroveError } from '../../shared/api/errors.ts';
import type { EmbedReply, EmbedRequest, EmbedWorkerStatus } from './embed-worker-types.ts';
import { IdleRelease } from './idle-release.ts';
import type { TextModel } from './offline-embedder.ts';
import { startWorker, workerEntry } from './worker-bootstrap.ts';

export interface EmbedWorkerPoolOptions {
  /** Threads at most (TROVE_EMBED_THREADS); each holds its own copy of the model. Default 1. */
  threads?: number;
  /** Numbers per vector (512 for USE-lite). */
  dimensions?: number;
  /** Threads beyond the first stop after this long unused; 0 or absent: never. */
  idleMs?: number;
  /** Worker entry; tests point it at a wrapper of the real one. Default: embed-worker beside this file. */
  workerUrl?: URL;
  /** Told the number of threads running whenever it changes (the trove_model_workers gauge). */
  onThreadsChanged?: (running: number) => void;
}

export interface EmbedPoolStats {
  started: number;
  crashed: number;
  released: number;
  running: number;
  queued: number;
  /** Batches answered. */
  completed: number;
  /** How long the first thread took to load the model. */
  loadMs: number | undefined;
}

interface Job {
  req: EmbedRequest;
  resolve: (vectors: number[][]) => void;
  reject: (err: Error) => void;
}

interface Thread {
  worker: Worker;
  ready: boolean;
  alive: boolean;
  job: Job | undefined;
  idle: IdleRelease | undefined;
}

export class EmbedWorkerPool implements TextModel {
  private readonly size: number;
  private readonly dimensions: number;
  private readonly idleMs: number;
  private readonly workerUrl: URL;
  private readonly onThreadsChanged: ((running: number) => void) | undefined;
  private readonly threads: Thread[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly counters = { started: 0, crashed: 0, released: 0, completed: 0 };
  private firstLoadMs: number | undefined;

  constructor(options: EmbedWorkerPoolOptions = {}) {
    this.size = Math.max(1, options.threads ?? 1);
    this.dimensions = options.dimensions ?? 512;
    this.idleMs = options.idleMs ?? 0;
    this.workerUrl = options.workerUrl ?? workerEntry('embed-worker', import.meta.url);
    this.onThreadsChanged = options.onThreadsChanged;
  }

  get stats(): EmbedPoolStats {
    return { ...this.counters, running: this.threads.length, queued: this.queue.length, loadMs: this.firstLoadMs };
  }

  get loadMs(): number | undefined {
    return this.firstLoadMs;
  }

  /** Raw (not normalised) vectors, one per text, in order. */
  embed(texts: string[]): Promise<number[][]> {
    if (this.closed) return Promise.reject(closedError());
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { id: this.nextId++, texts, dimensions: this.dimensions }, resolve, reject });
      this.pump();
    });
  }

  /** Fails queued and running batches and stops every thread. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(closedError());
    const threads = this.threads.splice(0);
    for (const t of threads) {
      t.alive = false;
      t.idle?.busy();
      t.job?.reject(closedError());
      t.job = undefined;
    }
    if (threads.length > 0) this.onThreadsChanged?.(0);
    await Promise.all(threads.map((t) => t.worker.terminate()));
  }

  // -------------------------------------------------------------------------------------------

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      const free = this.threads.find((t) => t.alive && t.ready && !t.job);
      if (!free) {
        // Every thread is busy or loading: add one if allowed (and none is loading already).
        if (this.threads.length < this.size && !this.threads.some((t) => !t.ready)) this.spawn();
        return;
      }
      const job = this.queue.shift()!;
      free.job = job;
      free.idle?.busy();
      free.worker.ref(); // work in flight keeps the process alive; an idle thread does not
      free.worker.postMessage(job.req);
    }
  }

  private spawn(): void {
    const worker = startWorker(this.workerUrl);
    const thread: Thread = { worker, ready: false, alive: true, job: undefined, idle: undefined };
    thread.idle = new IdleRelease(this.idleMs, () => this.release(thread));
    this.counters.started += 1;
    worker.unref();
    worker.on('message', (msg: EmbedReply | EmbedWorkerStatus) => {
      if ('ready' in msg) {
        if (msg.ready) {
          thread.ready = true;
          this.firstLoadMs ??= msg.loadMs;
          thread.idle?.idle();
          this.pump();
        } else {
          this.fail(thread, new TroveError('MODEL_UNAVAILABLE', msg.error));
        }
        return;
      }
      const job = thread.job;
      if (!job || job.req.id !== msg.id) return;
      thread.job = undefined;
      worker.unref();
      thread.idle?.idle();
      this.counters.completed += 1;
      if (msg.ok) job.resolve(rows(msg.vectors, msg.count, this.dimensions));
      else job.reject(new Error(msg.error));
      this.pump();
    });
    worker.on('error', (err) => this.died(thread, err.message));
    worker.on('exit', (code) => this.died(thread, `exit code ${code}`));
    this.threads.push(thread);
    this.onThreadsChanged?.(this.threads.length);
  }

  private died(thread: Thread, reason: string): void {
    if (!thread.alive || this.closed) return;
    this.counters.crashed += 1;
    this.fail(thread, new TroveError(
      'MODEL_UNAVAILABLE',
      `The text model's worker thread stopped (${reason}); it starts again on the next request. Try again.`,
    ));
  }

  /** Takes the thread out; its batch fails, and if it never loaded, so do the batches waiting for it. */
  private fail(thread: Thread, error: TroveError): void {
    if (!thread.alive) return;
    thread.alive = false;
    thread.idle?.busy();
    this.threads.splice(this.threads.indexOf(thread), 1);
    this.onThreadsChanged?.(this.threads.length);
    void thread.worker.terminate();
    thread.job?.reject(error);
    thread.job = undefined;
    if (!thread.ready && !this.threads.some((t) => t.ready)) {
      for (const job of this.queue.splice(0)) job.reject(error);
    }
    this.pump();
  }

  /** A thread unused for the idle period: stop it and free its model, unless it is the last one. */
  private release(thread: Thread): void {
    // The last thread stays: the next query must not wait for a model load.
    if (!thread.alive || thread.job || this.closed || this.threads.length <= 1) return;
    thread.alive = false;
    this.threads.splice(this.threads.indexOf(thread), 1);
    this.counters.released += 1;
    this.onThreadsChanged?.(this.threads.length);
    void thread.worker.terminate();
  }
}

function rows(flat: Float32Array, count: number, dimensions: number): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < count; i++) out.push(Array.from(flat.subarray(i * dimensions, (i + 1) * dimensions)));
  return out;
}

function closedError(): TroveError {
  return new TroveError('SERVICE_UNAVAILABLE', 'The text embedder has been closed (the server is shutting down).');
}
