import type OpenAI from 'openai';
import { TroveError } from '../../../shared/api/errors.ts';
import type { Logger } from '../../logger.ts';
import { roughTokens } from '../offline/text.ts';
import type { Embedder, ModelUsage } from '../types.ts';
import { malformedError, type ProviderInfo } from './errors.ts';
import { MicroBatcher } from './micro-batcher.ts';
import { openAIClient, openAIProvider, translateOpenAIError } from './openai-client.ts';
import { WarnOnce } from './usage.ts';

export interface OpenAIEmbedderOptions {
  apiKey: string;
  /** OPENAI_BASE_URL, e.g. http://localhost:11434/v1 for Ollama; undefined for api.openai.com. */
  baseUrl?: string | undefined;
  /** Default 'text-embedding-3-small'. */
  model?: string;
  /** Default 1536. Sent as `dimensions` to text-embedding-3 models only; others must already return this many. */
  dimensions?: number;
  log?: Logger | undefined;
  /** Per request; default 60 s. */
  timeoutMs?: number;
  /** The SDK's own retries of 429/5xx/connection errors, honouring Retry-After; default 2. */
  maxRetries?: number;
  /** Inputs per call (default 100), how long a call waits for company (default 5 ms), calls in flight (default 4). */
  maxBatch?: number;
  batchWindowMs?: number;
  maxConcurrent?: number;
  /** Token budget per input (text-embedding-3 accepts 8191); default 8000. */
  maxInputTokens?: number;
}

/**
 * Embeddings from OpenAI or any OpenAI-compatible server (Ollama, LM Studio, vLLM) through the
 * `openai` SDK. Concurrent single-text calls are merged into calls of up to 100 inputs; every
 * vector is checked (count, length, finite, non-zero) and normalised, because pgvector's cosine
 * search and the mixing rule "one model, one dimension" both break silently on a bad vector. The
 * tokens a call is billed for are split between the callers it served by their share of its
 * characters (exact when a call serves one caller) and reported through `embed`'s `onUsage`.
 */
export class OpenAIEmbedder implements Embedder {
  readonly model: string;
  readonly dimensions: number;
  private readonly client: OpenAI;
  private readonly apiModel: string;
  private readonly info: ProviderInfo;
  private readonly timeoutMs: number;
  private readonly maxInputTokens: number;
  private readonly sendDimensions: boolean;
  private readonly batcher: MicroBatcher<string, number[]>;
  private readonly warnOnce: WarnOnce;
  private closed = false;
  /** Calls made so far; for tests and metrics. */
  calls = 0;

  constructor(opts: OpenAIEmbedderOptions) {
    this.apiModel = opts.model ?? 'text-embedding-3-small';
    this.dimensions = opts.dimensions ?? 1536;
    // Vectors of different models or sizes never mix, so both are part of the recorded name.
    this.model = `openai:${this.apiModel}-${this.dimensions}`;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.maxInputTokens = opts.maxInputTokens ?? 8000;
    // Only the text-embedding-3 family can shorten its vectors; other models reject the field.
    this.sendDimensions = /^text-embedding-3/.test(this.apiModel);
    this.info = openAIProvider(this.apiModel, 'OPENAI_EMBEDDING_MODEL', opts.baseUrl);
    this.warnOnce = new WarnOnce(opts.log);
    this.client = openAIClient({ apiKey: opts.apiKey, baseUrl: opts.baseUrl, timeoutMs: this.timeoutMs, maxRetries: opts.maxRetries ?? 2 });
    this.batcher = new MicroBatcher((texts, signal) => this.call(texts, signal), {
      maxBatch: opts.maxBatch ?? 100,
      windowMs: opts.batchWindowMs ?? 5,
      maxConcurrent: opts.maxConcurrent ?? 4,
      weight: (text) => text.length,
    });
  }

  /** `onUsage` hears this caller's tokens once per API call its texts went into (one per 100 texts). */
  embed(texts: string[], signal?: AbortSignal, onUsage?: (usage: ModelUsage) => void): Promise<number[][]> {
    if (this.closed) return Promise.reject(new TroveError('SERVICE_UNAVAILABLE', 'The OpenAI embedder has been closed.'));
    const onCost = onUsage && ((share: number) => onUsage({ model: this.apiModel, inputTokens: share, outputTokens: 0 }));
    return this.batcher.submit(texts.map((t) => truncateToTokens(t, this.maxInputTokens)), signal, onCost);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.batcher.drain();
  }

  private async call(texts: string[], signal: AbortSignal | undefined): Promise<{ outputs: number[][]; cost: number }> {
    this.calls++;
    let data: unknown[];
    let tokens: number;
    try {
      const res = await this.client.embeddings.create({
        model: this.apiModel,
        input: texts,
        // Asked for explicitly, so the SDK hands back what came: it decodes base64 only when it chose
        // the format itself, and then garbles servers that ignore the field and send floats.
        encoding_format: 'base64',
        ...(this.sendDimensions ? { dimensions: this.dimensions } : {}),
      }, { signal, timeout: this.timeoutMs });
      data = Array.isArray(res.data) ? res.data : [];
      tokens = this.billedTokens(res.usage, texts);
    } catch (err) {
      throw translateOpenAIError(err, this.info, this.timeoutMs, signal);
    }
    if (data.length !== texts.length) throw malformedError(this.info, `${data.length} vectors for ${texts.length} texts`);
    const ordered = byIndex(data);
    const vectors = ordered.map(decodeVector);
    const lengths = new Set(vectors.map((v) => v?.length));
    if (!this.sendDimensions && lengths.size === 1 && vectors[0] && vectors[0].length !== this.dimensions) {
      // A model that cannot be told its size and always returns another one is a setting to change, not a hiccup.
      throw new TroveError('PROVIDER_MISCONFIGURED',
        `The embedding model '${this.apiModel}' returns ${vectors[0].length}-dimensional vectors, not ${this.dimensions}; ` +
        `set OPENAI_EMBEDDING_DIMENSIONS=${vectors[0].length}.`, { provider: this.info.name });
    }
    const outputs = vectors.map((v, i) => {
      const unit = v && v.length === this.dimensions ? normalise(v) : undefined;
      if (!unit) {
        throw malformedError(this.info, v?.length === this.dimensions || !v
          ? `vector ${i} is not a finite, non-zero vector`
          : `vector ${i} has ${v.length} dimensions instead of ${this.dimensions}`);
      }
      return unit;
    });
    return { outputs, cost: tokens };
  }

  /** `usage.prompt_tokens`, or an estimate for servers that leave usage out (some local ones do). */
  private billedTokens(usage: { prompt_tokens?: number } | undefined, texts: string[]): number {
    if (usage && typeof usage.prompt_tokens === 'number' && Number.isFinite(usage.prompt_tokens)) return Math.max(0, Math.round(usage.prompt_tokens));
    this.warnOnce.warn(`the server reported no token counts for '${this.apiModel}'; its costs are estimated from the text sent`);
    return texts.reduce((n, t) => n + roughTokens(t), 0);
  }
}

/** Orders by each item's `index` when every index is present and unique; the API does not promise order. */
function byIndex(data: unknown[]): unknown[] {
  const out = new Array<unknown>(data.length);
  for (const item of data) {
    const index = (item as { index?: unknown } | null)?.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= data.length || out[index] !== undefined) return data;
    out[index] = item;
  }
  return out;
}

/** A base64 string of little-endian float32s (OpenAI) or a plain array of numbers (servers that ignore the format). */
function decodeVector(item: unknown): number[] | undefined {
  const raw = (item as { embedding?: unknown } | null)?.embedding;
  if (Array.isArray(raw)) return raw.every((x): x is number => typeof x === 'number') ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const buf = Buffer.from(raw, 'base64');
  if (buf.length % 4 !== 0) return undefined;
  const out = new Array<number>(buf.length / 4);
  for (let i = 0; i < out.length; i++) out[i] = buf.readFloatLE(i * 4);
  return out;
}

function normalise(v: number[]): number[] | undefined {
  let sum = 0;
  for (const x of v) {
    if (!Number.isFinite(x)) return undefined;
    sum += x * x;
  }
  const norm = Math.sqrt(sum);
  return norm > 0 && Number.isFinite(norm) ? v.map((x) => x / norm) : undefined;
}

/**
 * Cuts a text to a conservative token estimate (no tokenizer shipped): ASCII counts half a token
 * a character, anything else two, which stays under the true count for English (~4 chars a token),
 * code, base64 and CJK alike. Empty input becomes one space, which the API rejects less than ''.
 */
export function truncateToTokens(input: unknown, maxTokens: number): string {
  const text = (typeof input === 'string' ? input : '')
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD').trim();
  let cost = 0;
  let end = 0;
  for (const ch of text) {
    cost += ch.charCodeAt(0) < 128 ? 0.5 : 2;
    if (cost > maxTokens) break;
    end += ch.length;
  }
  const out = text.slice(0, end).trimEnd();
  return out === '' ? ' ' : out;
}
