/**
 * Runs the vision models off the API's event loop: a small pool of worker threads (default 1),
 * started lazily on the first request, each loading its models once.
 *
 * Why this way: detection (~0.3 s) and NSFW (~0.1 s) are synchronous WASM calls; in the main thread
 * they would stall every HTTP request. Worker threads are cheaper than child processes and share
 * the process's memory limits; from sources the worker is TypeScript, so it is started from a tiny
 * bootstrap that registers tsx's loader first (works under `tsx`, `bin/trove.js` and vitest alike, none of which
 * hand their loader to new threads reliably). Requests wait in a FIFO queue here, one in flight per
 * worker, so a request aborted while queued never reaches a worker, and an aborted in-flight
 * request just has its result dropped. A worker that dies fails only its in-flight request and is
 * replaced on the next request.
 */
import type { Worker } from 'node:worker_threads';
import { IdleRelease } from '../idle-release.ts';
import { startWorker, workerEntry } from '../worker-bootstrap.ts';
import type { NsfwResult, VisionItem, VisionObject, VisionRequest, VisionResponse, VisionTask } from './vision-types.ts';

/** The worker could not load the model this task needs (package missing, files unreadable…). */
export class VisionModelUnavailableError extends Error {
  override readonly name = 'VisionModelUnavailableError';
}

export interface VisionWorkerHostOptions {
  /** Worker threads to run (each holds its own copy of the models, ~150–250 MB). Default 1. */
  workers?: number;
  /** Worker entry module; tests swap in a stub. Default: vision-worker.ts beside this file. */
  workerUrl?: URL;
  /** A worker idle this long is stopped, releasing its models (the next request starts one again); 0 or absent: never. */
  idleMs?: number;
  /** Told the number of workers (model sets) loaded whenever it changes. */
  onWorkersChanged?: (loaded: number) => void;
}

export interface VisionHostStats {
  started: number;
  crashed: number;
  completed: number;
  /** Workers stopped after the idle period. */
  released: number;
  /** Workers running now (each with its models, once it has handled a request). */
  loaded: number;
  queued: number;
  /** Calls that carried several pictures (requests queued while every worker was busy, sent together). */
  batches: number;
  /** Time the last `detect`/`nsfw` call spent in the worker (includes a model load on first use). */
  lastMs: Partial<Record<VisionTask, number>>;
}

interface Job {
  req: VisionRequest;
  resolve: (value: VisionObject[] | NsfwResult) => void;
  reject: (err: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
  /** A batch: the queued requests it carries, each settled on its own from the answer's items. */
  members?: Job[];
}

/** Most pictures one call carries: bounds how long a batch holds the worker (~0.3 s a picture). */
const MAX_BATCH = 8;

interface Slot {
  worker: Worker;
  job: Job | undefined;
  alive: boolean;
  idle: IdleRelease;
}

export class VisionWorkerHost {
  private readonly size: number;
  private readonly workerUrl: URL;
  private readonly slots: Slot[] = [];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;
  private readonly counters: VisionHostStats = { started: 0, crashed: 0, completed: 0, released: 0, loaded: 0, queued: 0, batches: 0, lastMs: {} };
  private readonly idleMs: number;
  private readonly onWorkersChanged: ((loaded: number) => void) | undefined;

  constructor(options: VisionWorkerHostOptions = {}) {
    this.size = Math.max(1, options.workers ?? 1);
    this.idleMs = options.idleMs ?? 0;
    this.onWorkersChanged = options.onWorkersChanged;
    this.workerUrl = options.workerUrl ?? workerEntry('vision-worker', import.meta.url);
  }

  get stats(): VisionHostStats {
    return { ...this.counters, lastMs: { ...this.counters.lastMs }, queued: this.queue.length, loaded: this.slots.length };
  }

  detect(imagePath: string, signal?: AbortSignal): Promise<VisionObject[]> {
    return this.run('detect', imagePath, signal) as Promise<VisionObject[]>;
  }

  classifyNsfw(imagePath: string, signal?: AbortSignal): Promise<NsfwResult> {
    return this.run('nsfw', imagePath, signal) as Promise<NsfwResult>;
  }

  run(task: VisionTask, imagePath: string, signal?: AbortSignal): Promise<VisionObject[] | NsfwResult> {
    if (this.closed) return Promise.reject(new Error('The vision worker has been closed.'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    return new Promise((resolve, reject) => {
      const job: Job = { req: { id: this.nextId++, task, imagePath }, resolve, reject, signal, onAbort: undefined, settled: false };
      if (signal) {
        job.onAbort = () => {
          const queued = this.queue.indexOf(job);
          if (queued >= 0) this.queue.splice(queued, 1);
          this.settle(job, () => reject(abortError(signal)));
        };
        signal.addEventListener('abort', job.onAbort, { once: true });
      }
      this.queue.push(job);
      this.pump();
    });
  }

  /** Stops the workers; queued and in-flight requests are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const error = new Error('The vision worker has been closed.');
    for (const job of this.queue.splice(0)) this.settle(job, () => job.reject(error));
    const slots = this.slots.splice(0);
    for (const slot of slots) {
      slot.alive = false;
      slot.idle.busy();
      if (slot.job) this.settle(slot.job, () => slot.job?.reject(error));
    }
    if (slots.length > 0) this.onWorkersChanged?.(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.closed) {
      let slot = this.slots.find((s) => s.alive && s.job === undefined);
      if (!slot && this.slots.length < this.size) slot = this.spawn();
      if (!slot) return;
      const job = this.takeBatch();
      if (!job) return;
      slot.job = job;
      slot.idle.busy();
      slot.worker.ref(); // keep the process alive while work is in flight
      slot.worker.postMessage(job.req);
    }
  }

  private spawn(): Slot {
    const worker = startWorker(this.workerUrl);
    const slot: Slot = { worker, job: undefined, alive: true, idle: new IdleRelease(this.idleMs, () => this.release(slot)) };
    this.counters.started += 1;
    worker.unref(); // an idle vision worker never keeps the process alive
    worker.on('message', (msg: VisionResponse | { ready: true }) => {
      if ('ready' in msg) return;
      const job = slot.job;
      if (!job || job.req.id !== msg.id) return;
      slot.job = undefined;
      slot.worker.unref();
      slot.idle.idle();
      this.counters.completed += 1;
      if (msg.ok) {
        this.counters.lastMs[job.req.task] = msg.ms;
        if (job.members) this.settleMembers(job, job.members, msg.items ?? []);
        else this.settle(job, () => job.resolve(msg.result));
      } else {
        const err = msg.missingModel ? new VisionModelUnavailableError(msg.error) : new Error(msg.error);
        this.settle(job, () => job.reject(err));
      }
      this.pump();
    });
    const died = (reason: unknown) => {
      if (!slot.alive) return;
      slot.alive = false;
      slot.idle.busy();
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots.splice(index, 1);
      if (this.closed) return;
      this.onWorkersChanged?.(this.slots.length);
      this.counters.crashed += 1;
      const job = slot.job;
      slot.job = undefined;
      const message = reason instanceof Error ? reason.message : String(reason);
      if (job) this.settle(job, () => job.reject(new Error(`The vision worker stopped: ${message}`)));
      this.pump(); // queued work goes to a fresh worker
    };
    worker.on('error', died);
    worker.on('exit', (code) => died(`exit code ${code}`));
    this.slots.push(slot);
    this.onWorkersChanged?.(this.slots.length);
    return slot;
  }

  /** The idle period passed with no request: stop the worker and free its models. */
  private release(slot: Slot): void {
    if (!slot.alive || slot.job || this.closed) return;
    slot.alive = false;
    this.slots.splice(this.slots.indexOf(slot), 1);
    this.counters.released += 1;
    this.onWorkersChanged?.(this.slots.length);
    void slot.worker.terminate();
  }

  /**
   * The next call for a free worker: the oldest request, plus the requests for the same task queued
   * behind it while every worker was busy (one model call for several pictures instead of a round
   * trip each). Requests are shared fairly when other workers are free or can start.
   */
  private takeBatch(): Job | undefined {
    const first = this.queue.shift();
    if (!first) return undefined;
    const free = this.slots.filter((s) => s.alive && s.job === undefined).length + (this.size - this.slots.length);
    const same = this.queue.filter((j) => j.req.task === first.req.task);
    const extra = Math.min(MAX_BATCH - 1, Math.ceil((same.length + 1) / Math.max(1, free)) - 1);
    if (extra <= 0) return first;
    const members = [first, ...same.slice(0, extra)];
    for (const m of members.slice(1)) this.queue.splice(this.queue.indexOf(m), 1);
    this.counters.batches += 1;
    const imagePaths = members.map((m) => m.req.imagePath);
    return {
      req: { id: this.nextId++, task: first.req.task, imagePath: imagePaths[0]!, imagePaths },
      members, signal: undefined, onAbort: undefined, settled: false,
      resolve: () => undefined,
      reject: (err) => { for (const m of members) this.settle(m, () => m.reject(err)); },
    };
  }

  /** A batch's answer: each request gets its own picture's result or error (an aborted one is already settled). */
  private settleMembers(batch: Job, members: Job[], items: VisionItem[]): void {
    this.settle(batch, () => undefined);
    members.forEach((m, i) => {
      const item = items[i];
      if (!item) this.settle(m, () => m.reject(new Error('The vision worker answered a batch without this picture.')));
      else if (item.ok) this.settle(m, () => m.resolve(item.result));
      else this.settle(m, () => m.reject(new Error(item.error)));
    });
  }

  private settle(job: Job, action: () => void): void {
    if (job.settled) return;
    job.settled = true;
    if (job.onAbort) job.signal?.removeEventListener('abort', job.onAbort);
    action();
  }
}

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}
