import { setTimeout as sleep } from 'node:timers/promises';
import { ApiError, FileState, FinishReason, GoogleGenAI, Type, type File as GeminiFile, type GenerateContentResponse, type Part, type Schema } from '@google/genai';
import { TroveError } from '../../../shared/api/errors.ts';
import type { Logger } from '../../logger.ts';
import { OfflineAnalyzer } from '../offline-analyzer.ts';
import type { Analysis, AnalysisInput, Analyzer } from '../types.ts';
import { abortReason, blockedError, httpError, isAbortError, malformedError, timeoutError, unreachableError, type ProviderInfo } from './errors.ts';
import { DEFAULT_IMAGE_OPTIONS, audioMimeType, prepareImages, type ImageOptions } from './media.ts';
import { answerSchema, describeInput, instructions, parseAnswer, toAnalysis } from './prompt.ts';

export interface GeminiAnalyzerOptions {
  apiKey: string;
  /** GEMINI_BASE_URL: a proxy, or a local fake in tests. */
  baseUrl?: string | undefined;
  /** e.g. 'gemini-2.5-flash' */
  model: string;
  /** ENABLE_CONTENT_MODERATION: ask for an NSFW judgement and store it as metadata.nsfw. */
  contentModeration: boolean;
  log?: Logger | undefined;
  /** Each HTTP request (generate, upload, poll); default 120 s. */
  timeoutMs?: number;
  images?: Partial<ImageOptions>;
  /** How often an uploaded recording is checked for ACTIVE (default 1 s) and for how long at most (default 180 s). */
  filePollIntervalMs?: number;
  fileActiveTimeoutMs?: number;
}

/** Finish reasons that mean the model refused, not that it failed: retrying gives the same refusal. */
const REFUSALS = new Set(['SAFETY', 'PROHIBITED_CONTENT', 'BLOCKLIST', 'SPII', 'IMAGE_SAFETY', 'RECITATION']);

/**
 * Describes files with Gemini through `@google/genai`: pictures (an image, or a video's frames) go
 * inline as downscaled JPEGs; recordings (an audio file, or a video's sound track) go through the
 * Files API, because inline requests are capped at ~20 MB and a 10-minute WAV is not; document text
 * goes as text. The uploaded file is deleted afterwards whatever happens, as it would otherwise sit in
 * the project's storage for 48 h.
 *
 * No retries inside: the SDK's own retry (`retryOptions`) replaces the HTTP status with a generic
 * message, which would hide a 429 from a 400. Errors are classified instead and the job queue retries.
 */
export class GeminiAnalyzer implements Analyzer {
  readonly model: string;
  private readonly ai: GoogleGenAI;
  private readonly offline = new OfflineAnalyzer();
  private readonly info: ProviderInfo;
  private readonly timeoutMs: number;
  private readonly imageOpts: ImageOptions;
  private readonly pollMs: number;
  private readonly activeTimeoutMs: number;

  constructor(private readonly opts: GeminiAnalyzerOptions) {
    this.model = `gemini:${opts.model}`;
    this.timeoutMs = opts.timeoutMs ?? 120_000;
    this.imageOpts = { ...DEFAULT_IMAGE_OPTIONS, ...opts.images };
    this.pollMs = opts.filePollIntervalMs ?? 1000;
    this.activeTimeoutMs = opts.fileActiveTimeoutMs ?? 180_000;
    this.info = { name: 'Gemini', keyVar: 'GEMINI_API_KEY', modelVar: 'GEMINI_MODEL', model: opts.model, baseUrl: opts.baseUrl };
    this.ai = new GoogleGenAI({
      apiKey: opts.apiKey,
      vertexai: false,
      httpOptions: { timeout: this.timeoutMs, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) },
    });
  }

  async analyze(input: AnalysisInput, signal?: AbortSignal): Promise<Analysis> {
    signal?.throwIfAborted();
    // The local facts (dates, camera, format, file-name words) feed the prompt and the tags.
    const base = await this.offline.analyze(input, signal);
    const images = await prepareImages(input.imagePaths, this.imageOpts, this.opts.log, signal);
    let uploaded: GeminiFile | undefined;
    try {
      if (input.audioPath) {
        const mimeType = audioMimeType(input.audioPath, input.mimeType);
        uploaded = await this.call(() => this.ai.files.upload({
          // A generic display name: the user's file name need not be stored at Google.
          file: input.audioPath!, config: { mimeType, displayName: 'trove-media', abortSignal: signal },
        }), signal);
        uploaded = await this.waitUntilActive(uploaded, signal);
      }
      const parts: Part[] = [{ text: describeInput(input, base.summary, { images: images.length, audio: uploaded !== undefined }) }];
      for (const img of images) parts.push({ inlineData: { mimeType: img.mimeType, data: img.base64 } });
      if (uploaded?.uri) parts.push({ fileData: { fileUri: uploaded.uri, mimeType: uploaded.mimeType ?? 'audio/wav' } });

      const response = await this.call(() => this.ai.models.generateContent({
        model: this.opts.model,
        contents: [{ role: 'user', parts }],
        config: {
          systemInstruction: instructions(this.opts),
          responseMimeType: 'application/json',
          responseSchema: toGeminiSchema(answerSchema(this.opts)),
          temperature: 0.2,
          abortSignal: signal,
        },
      }), signal);
      return this.read(response, input, base);
    } finally {
      if (uploaded?.name) await this.deleteQuietly(uploaded.name);
    }
  }

  private read(response: GenerateContentResponse, input: AnalysisInput, base: Analysis): Analysis {
    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason) throw blockedError(this.info, `blocked: ${blockReason}`);
    const candidate = response.candidates?.[0];
    if (!candidate) throw malformedError(this.info, 'no candidate in the answer');
    const finish = candidate.finishReason;
    if (finish && REFUSALS.has(finish)) throw blockedError(this.info, `finish reason ${finish}`);
    const text = (candidate.content?.parts ?? []).filter((p) => typeof p.text === 'string' && p.thought !== true).map((p) => p.text).join('');
    const answer = parseAnswer(text);
    if (!answer) {
      throw malformedError(this.info, finish === FinishReason.MAX_TOKENS ? 'the JSON was cut off at the output token limit' : 'no JSON object with a summary');
    }
    const usage = response.usageMetadata;
    const tokenCount = usage?.totalTokenCount ?? sumDefined(usage?.promptTokenCount, usage?.candidatesTokenCount);
    return toAnalysis(answer, input, base, { ...this.opts, model: this.model, tokenCount });
  }

  /** Files start PROCESSING; generating against one before it is ACTIVE fails with 400. */
  private async waitUntilActive(file: GeminiFile, signal?: AbortSignal): Promise<GeminiFile> {
    const deadline = Date.now() + this.activeTimeoutMs;
    let current = file;
    for (;;) {
      if (current.state === FileState.ACTIVE || current.state === undefined) return current;
      if (current.state === FileState.FAILED) {
        throw new TroveError('PROVIDER_REJECTED', `Gemini could not process this recording (${current.error?.message ?? 'file state FAILED'}).`,
          { provider: 'Gemini' });
      }
      if (Date.now() >= deadline) {
        throw new TroveError('MODEL_UNAVAILABLE',
          `Gemini was still processing the uploaded recording after ${Math.round(this.activeTimeoutMs / 1000)} s; the file will be retried.`,
          { provider: 'Gemini' });
      }
      await this.call(() => sleep(this.pollMs, undefined, { signal }), signal);
      const name = current.name ?? file.name ?? '';
      current = await this.call(() => this.ai.files.get({ name, config: { abortSignal: signal } }), signal);
    }
  }

  /** Not tied to the job's signal: an aborted job must still not leave its recording behind. */
  private async deleteQuietly(name: string): Promise<void> {
    try {
      await this.ai.files.delete({ name, config: { httpOptions: { timeout: Math.min(this.timeoutMs, 15_000) } } });
    } catch (err) {
      // Gemini deletes files itself after 48 h; a failed delete is worth a warning, not a failed file.
      this.opts.log?.warn({ err, file: name }, 'could not delete the uploaded file from Gemini');
    }
  }

  private async call<T>(fn: () => Promise<T>, signal: AbortSignal | undefined): Promise<T> {
    // The SDK only listens for a *future* abort: a signal already aborted would send the request anyway.
    if (signal?.aborted) throw abortReason(signal);
    try {
      return await fn();
    } catch (err) {
      if (signal?.aborted) throw abortReason(signal);
      if (err instanceof TroveError) throw err;
      if (err instanceof ApiError) throw httpError(this.info, err.status, err.message, err);
      if (isAbortError(err)) throw timeoutError(this.info, this.timeoutMs, err); // the SDK's own timeout
      throw unreachableError(this.info, err);
    }
  }
}

const TYPES: Record<string, Type> = {
  object: Type.OBJECT, array: Type.ARRAY, string: Type.STRING, number: Type.NUMBER, boolean: Type.BOOLEAN, integer: Type.INTEGER,
};

/** The shared lowercase JSON schema in the SDK's `Schema` shape (its `type` is an enum). */
function toGeminiSchema(s: unknown): Schema {
  const node = s as { type: string; properties?: Record<string, unknown>; items?: unknown; required?: string[] };
  const out: Schema = { type: TYPES[node.type] ?? Type.STRING };
  if (node.properties) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, toGeminiSchema(v)]));
    out.propertyOrdering = Object.keys(node.properties);
  }
  if (node.items) out.items = toGeminiSchema(node.items);
  if (node.required) out.required = node.required;
  return out;
}

function sumDefined(...values: (number | undefined)[]): number | undefined {
  const defined = values.filter((v): v is number => typeof v === 'number');
  return defined.length > 0 ? defined.reduce((a, b) => a + b, 0) : undefined;
}
