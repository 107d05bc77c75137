import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Logger } from '../../logger.ts';
import { clip, oneLine } from '../offline/text.ts';
import type { Analysis, AnalysisInput, CloudAnalyzer, CloudOutcome } from '../types.ts';
import { parseAnswer, toAnalysis } from './answer.ts';
import { malformedError, type ProviderInfo } from './errors.ts';
import { planMedia } from './media-plan.ts';
import { DEFAULT_IMAGE_OPTIONS, prepareImages, type ImageOptions } from './media.ts';
import { openAIProvider, translateOpenAIError } from './openai-errors.ts';
import { answerSchema, groundedPrompt, instructions } from './prompt.ts';
import { openAIUsage, WarnOnce } from './usage.ts';

export interface OpenAIChatAnalyzerOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** OPENAI_ANALYSIS_MODEL, e.g. 'gpt-4o-mini', 'llava', 'qwen2.5vl'. */
  model: string;
  contentModeration: boolean;
  /** TROVE_PROMPT_TEXT_MAX_TOKENS: the file's text sent with the prompt. */
  promptTextMaxTokens: number;
  log?: Logger | undefined;
  /** Per request; default 180 s (local models on a CPU are slow). */
  timeoutMs?: number;
  /** The SDK's own retries of 429/5xx; default 1. */
  maxRetries?: number;
  images?: Partial<ImageOptions>;
  /** Page pictures sent with a scanned document's OCR text; default 3. */
  maxScanPages?: number;
  /**
   * How the JSON answer is requested: 'json_schema' (OpenAI, recent Ollama, LM Studio, vLLM),
   * 'json_object' (older servers), 'none' (servers that reject both; the prompt still asks for JSON).
   */
  responseFormat?: 'json_schema' | 'json_object' | 'none';
}

/** Tokens OpenAI bills per picture at "low" detail; only used to estimate when a server reports no usage. */
const TOKENS_PER_PICTURE = 85;

/**
 * Lets an OpenAI-compatible chat/vision model (OpenAI, or a local Ollama / LM Studio / vLLM) write
 * the summaries, with the same grounded prompt and JSON contract as Gemini. Pictures (an image, a
 * video's frames, a scan's first pages) go as `data:` URLs, since a local server cannot fetch ours.
 * Chat completions take neither video files nor generic audio (only a few OpenAI models take audio,
 * and no local server does), so videos always go as frames and a recording is described from its
 * tags and the local transcript in the prompt.
 */
export class OpenAIChatAnalyzer implements CloudAnalyzer {
  readonly name = 'openai-chat' as const;
  readonly model: string;
  private readonly client: OpenAI;
  private readonly info: ProviderInfo;
  private readonly timeoutMs: number;
  private readonly imageOpts: ImageOptions;
  private readonly warnOnce: WarnOnce;

  constructor(private readonly opts: OpenAIChatAnalyzerOptions) {
    this.model = opts.model;
    this.timeoutMs = opts.timeoutMs ?? 180_000;
    this.imageOpts = { ...DEFAULT_IMAGE_OPTIONS, ...opts.images };
    this.info = openAIProvider(opts.model, 'OPENAI_ANALYSIS_MODEL', opts.baseUrl);
    this.warnOnce = new WarnOnce(opts.log);
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
      timeout: this.timeoutMs,
      maxRetries: opts.maxRetries ?? 1,
    });
  }

  async describe(input: AnalysisInput, grounding: Analysis, signal?: AbortSignal): Promise<CloudOutcome> {
    signal?.throwIfAborted();
    const plan = await planMedia(input, { wholeVideoMaxBytes: undefined, takesRecordings: false, maxScanPages: this.opts.maxScanPages ?? 3 });
    const images = await prepareImages(plan.pictures, this.imageOpts, this.opts.log, signal);
    const prompt = groundedPrompt(input, grounding, { pictures: images.length, wholeVideo: false, recording: false, scannedPages: plan.scannedPages }, this.opts);
    const system = instructions(this.opts);
    const content: ChatCompletionContentPart[] = [
      { type: 'text', text: prompt },
      ...images.map((img): ChatCompletionContentPart => ({
        type: 'image_url', image_url: { url: `data:${img.mimeType};base64,${img.base64}`, detail: 'low' },
      })),
    ];
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.opts.model,
      messages: [{ role: 'system', content: system }, { role: 'user', content }],
      temperature: 0.2,
    };
    const format = this.opts.responseFormat ?? 'json_schema';
    if (format === 'json_schema') {
      body.response_format = { type: 'json_schema', json_schema: { name: 'file_description', schema: answerSchema(this.opts) } };
    } else if (format === 'json_object') {
      body.response_format = { type: 'json_object' };
    }

    let completion: OpenAI.Chat.Completions.ChatCompletion;
    try {
      completion = await this.client.chat.completions.create(body, { signal, timeout: this.timeoutMs });
    } catch (err) {
      throw translateOpenAIError(err, this.info, this.timeoutMs, signal);
    }
    const choice = completion.choices?.[0];
    const answerText = choice?.message?.content ?? '';
    // Ollama and some other servers leave `usage` out; then the cost is estimated from the text sent.
    const usage = [openAIUsage(this.opts.model, completion.usage, {
      promptText: `${system}\n${prompt}`, images: images.length, tokensPerImage: TOKENS_PER_PICTURE, answerText,
    }, this.warnOnce)];
    if (!choice) throw malformedError(this.info, 'no choice in the answer', usage);
    if (choice.finish_reason === 'content_filter') {
      return { kind: 'blocked', reason: `${this.info.name} declined to describe this file: its content filter stopped the answer (finish reason content_filter).`, usage };
    }
    const refusal = choice.message?.refusal;
    if (refusal) return { kind: 'blocked', reason: `${this.info.name} refused to describe this file: '${clip(oneLine(refusal), 200)}'.`, usage };
    const answer = parseAnswer(answerText);
    if (!answer) {
      throw malformedError(this.info, choice.finish_reason === 'length' ? 'the JSON was cut off at the output token limit' : 'no JSON object with a summary', usage);
    }
    const analysis = toAnalysis(answer, grounding, usage, { contentModeration: this.opts.contentModeration, model: `openai-chat:${this.opts.model}`, provider: this.name });
    return { kind: 'described', analysis, usage };
  }
}
