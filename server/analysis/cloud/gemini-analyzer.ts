import { ApiError, FinishReason, GoogleGenAI, Type, type File as GeminiFile, type GenerateContentResponse, type Part, type Schema } from '@google/genai';
import { TroveError } from '../../../shared/api/errors.ts';
import { clip, oneLine } from '../offline/text.ts';
import type { Analysis, AnalysisInput, CloudOutcome } from '../types.ts';
import { abortReason, httpError, isAbortError, malformedError, timeoutError, unreachableError } from './errors.ts';
import { GeminiFiles } from './gemini-files.ts';
import { GroundedAnalyzer, type GroundedAnalyzerOptions } from './grounded-analyzer.ts';
import { answerSchema, groundedPrompt, instructions } from './prompt.ts';
import { geminiUsage, type UsageEstimate } from './usage.ts';

export interface GeminiAnalyzerOptions extends GroundedAnalyzerOptions {
  apiKey: string;
  /** GEMINI_BASE_URL: a proxy, or a local fake in tests. */
  baseUrl?: string | undefined;
  /** GEMINI_WHOLE_VIDEO_MAX_SIZE: videos up to this size go whole; longer ones as frames + sound track. */
  wholeVideoMaxBytes: number;
  /** Longest video sent whole (see media-plan.ts); default 300 s. */
  wholeVideoMaxSeconds?: number;
  /** How often an upload is checked for ACTIVE (default 1 s) and for how long at most (default 180 s). */
  filePollIntervalMs?: number;
  fileActiveTimeoutMs?: number;
  /**
   * Gemini 2.5's thinking tokens are billed as output; describing a file needs little of it. Unset
   * leaves the model's default; 0 turns thinking off on models that allow it (Flash, Flash-Lite).
   */
  thinkingBudget?: number;
}

/** Finish reasons that mean the model refused, not that it failed: retrying gives the same refusal. */
const REFUSALS: Record<string, string> = {
  SAFETY: 'its safety filters judged the content harmful',
  PROHIBITED_CONTENT: 'the content is prohibited by its usage policies',
  BLOCKLIST: 'the content contains terms on its blocklist',
  SPII: 'the content contains sensitive personal information',
  IMAGE_SAFETY: 'its image safety filters judged a picture harmful',
  RECITATION: 'the answer would have recited copyrighted material',
};

/** Tokens Gemini bills for one inline picture up to 384 px a side (larger ones are tiled at 258 per tile). */
const TOKENS_PER_PICTURE = 258;

/**
 * Describes files with Gemini through `@google/genai`, grounded in the offline analysis. Media go as
 * media-plan.ts decides: pictures inline as downscaled JPEGs; a short video whole and recordings
 * through the Files API (deleted afterwards whatever happens); documents as text. A refusal is an
 * answer (`blocked`), not an error.
 *
 * No retries inside: the SDK's own retry (`retryOptions`) replaces the HTTP status with a generic
 * message, which would hide a 429 from a 400. Errors are classified instead and the job queue retries.
 */
export class GeminiAnalyzer extends GroundedAnalyzer<GeminiAnalyzerOptions> {
  readonly name = 'gemini' as const;
  private readonly ai: GoogleGenAI;
  private readonly files: GeminiFiles;

  /** `timeoutMs`: each HTTP request (generate, upload, poll); default 120 s. */
  constructor(opts: GeminiAnalyzerOptions) {
    super(opts, { name: 'Gemini', keyVar: 'GEMINI_API_KEY', modelVar: 'GEMINI_MODEL', model: opts.model, baseUrl: opts.baseUrl }, 120_000);
    this.ai = new GoogleGenAI({
      apiKey: opts.apiKey,
      vertexai: false,
      httpOptions: { timeout: this.timeoutMs, ...(opts.baseUrl ? { baseUrl: opts.baseUrl } : {}) },
    });
    this.files = new GeminiFiles(this.ai, (fn, signal) => this.call(fn, signal), {
      pollMs: opts.filePollIntervalMs ?? 1000, activeTimeoutMs: opts.fileActiveTimeoutMs ?? 180_000, timeoutMs: this.timeoutMs, log: opts.log,
    });
  }

  async describe(input: AnalysisInput, grounding: Analysis, signal?: AbortSignal): Promise<CloudOutcome> {
    const { plan, images } = await this.prepareMedia(input, {
      wholeVideoMaxBytes: this.opts.wholeVideoMaxBytes, wholeVideoMaxSeconds: this.opts.wholeVideoMaxSeconds, takesRecordings: true,
    }, signal);
    const uploaded: GeminiFile[] = [];
    try {
      const video = plan.wholeVideo && await this.files.upload(plan.wholeVideo.path, plan.wholeVideo.mimeType, 'video', uploaded, signal);
      const recording = plan.recording &&
        await this.files.upload(plan.recording.path, plan.recording.mimeType, input.fileType === 'video' ? 'sound track' : 'recording', uploaded, signal);
      const prompt = groundedPrompt(input, grounding, {
        pictures: images.length, wholeVideo: video !== undefined, recording: recording !== undefined, scannedPages: plan.scannedPages,
      }, this.opts);
      const system = instructions(this.opts);
      // Media first, then the text about them: Google's advice for prompts with one file.
      const parts: Part[] = [];
      if (video) parts.push({ fileData: { fileUri: video.uri ?? '', mimeType: video.mimeType ?? plan.wholeVideo!.mimeType } });
      for (const img of images) parts.push({ inlineData: { mimeType: img.mimeType, data: img.base64 } });
      if (recording) parts.push({ fileData: { fileUri: recording.uri ?? '', mimeType: recording.mimeType ?? plan.recording!.mimeType } });
      parts.push({ text: prompt });

      const response = await this.call(() => this.ai.models.generateContent({
        model: this.opts.model,
        contents: [{ role: 'user', parts }],
        config: {
          systemInstruction: system,
          responseMimeType: 'application/json',
          responseSchema: toGeminiSchema(answerSchema(this.opts)),
          temperature: 0.2,
          ...(this.opts.thinkingBudget !== undefined ? { thinkingConfig: { thinkingBudget: this.opts.thinkingBudget } } : {}),
          abortSignal: signal,
        },
      }), signal);
      return this.read(response, grounding, { promptText: `${system}\n${prompt}`, images: images.length, tokensPerImage: TOKENS_PER_PICTURE, answerText: '' });
    } finally {
      for (const file of uploaded) await this.files.deleteQuietly(file);
    }
  }

  private read(response: GenerateContentResponse, grounding: Analysis, estimate: UsageEstimate): CloudOutcome {
    const candidate = response.candidates?.[0];
    const answerText = (candidate?.content?.parts ?? []).filter((p) => typeof p.text === 'string' && p.thought !== true).map((p) => p.text).join('');
    const usage = [geminiUsage(this.opts.model, response.usageMetadata, { ...estimate, answerText }, this.warnOnce)];

    const blockReason = response.promptFeedback?.blockReason;
    if (blockReason) {
      const why = REFUSALS[blockReason] ?? 'its safety filters';
      const message = response.promptFeedback?.blockReasonMessage;
      return { kind: 'blocked', reason: `Gemini refused the request: ${why} (${blockReason}${message ? `: ${clip(oneLine(message), 200)}` : ''}).`, usage };
    }
    if (!candidate) throw malformedError(this.info, 'no candidate in the answer', usage);
    const finish = candidate.finishReason;
    if (finish && REFUSALS[finish]) {
      const categories = (candidate.safetyRatings ?? []).filter((r) => r.blocked === true && r.category)
        .map((r) => r.category!.replace(/^HARM_CATEGORY_/, '').toLowerCase().replace(/_/g, ' '));
      return { kind: 'blocked', reason: `Gemini declined to describe this file: ${REFUSALS[finish]} (${finish}${categories.length ? `: ${categories.join(', ')}` : ''}).`, usage };
    }
    return this.described(answerText, grounding, usage, finish === FinishReason.MAX_TOKENS);
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
