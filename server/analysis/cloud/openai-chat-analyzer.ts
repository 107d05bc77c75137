import OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import type { Logger } from '../../logger.ts';
import { OfflineAnalyzer } from '../offline-analyzer.ts';
import type { Analysis, AnalysisInput, Analyzer } from '../types.ts';
import { blockedError, malformedError, type ProviderInfo } from './errors.ts';
import { DEFAULT_IMAGE_OPTIONS, prepareImages, type ImageOptions } from './media.ts';
import { openAIProvider, translateOpenAIError } from './openai-errors.ts';
import { answerSchema, describeInput, instructions, parseAnswer, toAnalysis } from './prompt.ts';

export interface OpenAIChatAnalyzerOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** OPENAI_ANALYSIS_MODEL, e.g. 'gpt-4o-mini', 'llava', 'qwen2.5vl'. */
  model: string;
  contentModeration: boolean;
  log?: Logger | undefined;
  /** Per request; default 180 s (local models on a CPU are slow). */
  timeoutMs?: number;
  /** The SDK's own retries of 429/5xx; default 1. */
  maxRetries?: number;
  images?: Partial<ImageOptions>;
  /**
   * How the JSON answer is requested: 'json_schema' (OpenAI, recent Ollama, LM Studio, vLLM),
   * 'json_object' (older servers), 'none' (servers that reject both; the prompt still asks for JSON).
   */
  responseFormat?: 'json_schema' | 'json_object' | 'none';
}

/**
 * Lets an OpenAI-compatible chat/vision model (OpenAI, or a local Ollama / LM Studio / vLLM) write
 * the summaries, with the same prompt and JSON contract as Gemini. Pictures go as `data:` URLs,
 * since a local server cannot fetch ours. Chat completions take no generic audio files, so a
 * recording is described from its tags and any transcript the pipeline found.
 */
export class OpenAIChatAnalyzer implements Analyzer {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly offline = new OfflineAnalyzer();
  private readonly info: ProviderInfo;
  private readonly timeoutMs: number;
  private readonly imageOpts: ImageOptions;

  constructor(private readonly opts: OpenAIChatAnalyzerOptions) {
    this.model = `openai:${opts.model}`;
    this.timeoutMs = opts.timeoutMs ?? 180_000;
    this.imageOpts = { ...DEFAULT_IMAGE_OPTIONS, ...opts.images };
    this.info = openAIProvider(opts.model, 'OPENAI_ANALYSIS_MODEL', opts.baseUrl);
    this.client = new OpenAI({
      apiKey: opts.apiKey,
      ...(opts.baseUrl ? { baseURL: opts.baseUrl } : {}),
      timeout: this.timeoutMs,
      maxRetries: opts.maxRetries ?? 1,
    });
  }

  async analyze(input: AnalysisInput, signal?: AbortSignal): Promise<Analysis> {
    signal?.throwIfAborted();
    const base = await this.offline.analyze(input, signal);
    const images = await prepareImages(input.imagePaths, this.imageOpts, this.opts.log, signal);
    const content: ChatCompletionContentPart[] = [
      { type: 'text', text: describeInput(input, base.summary, { images: images.length, audio: false }) },
      ...images.map((img): ChatCompletionContentPart => ({
        type: 'image_url', image_url: { url: `data:${img.mimeType};base64,${img.base64}`, detail: 'low' },
      })),
    ];
    const body: ChatCompletionCreateParamsNonStreaming = {
      model: this.opts.model,
      messages: [{ role: 'system', content: instructions(this.opts) }, { role: 'user', content }],
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
    if (!choice) throw malformedError(this.info, 'no choice in the answer');
    if (choice.finish_reason === 'content_filter') throw blockedError(this.info, 'finish reason content_filter');
    if (choice.message?.refusal) throw blockedError(this.info, `refusal: ${choice.message.refusal.slice(0, 200)}`);
    const answer = parseAnswer(choice.message?.content ?? '');
    if (!answer) {
      throw malformedError(this.info, choice.finish_reason === 'length' ? 'the JSON was cut off at the output token limit' : 'no JSON object with a summary');
    }
    return toAnalysis(answer, input, base, { ...this.opts, model: this.model, tokenCount: completion.usage?.total_tokens });
  }
}
