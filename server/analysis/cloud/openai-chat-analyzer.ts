import type OpenAI from 'openai';
import type { ChatCompletionContentPart, ChatCompletionCreateParamsNonStreaming } from 'openai/resources/chat/completions';
import { clip, oneLine } from '../offline/text.ts';
import type { Analysis, AnalysisInput, CloudOutcome } from '../types.ts';
import { malformedError } from './errors.ts';
import { GroundedAnalyzer, type GroundedAnalyzerOptions } from './grounded-analyzer.ts';
import { openAIClient, openAIProvider, translateOpenAIError } from './openai-client.ts';
import { answerSchema, groundedPrompt, instructions } from './prompt.ts';
import { openAIUsage } from './usage.ts';

/** `model` is OPENAI_ANALYSIS_MODEL, e.g. 'gpt-4o-mini', 'llava', 'qwen2.5vl'; `timeoutMs` defaults to 180 s (local models on a CPU are slow). */
export interface OpenAIChatAnalyzerOptions extends GroundedAnalyzerOptions {
  apiKey: string;
  baseUrl?: string | undefined;
  /** The SDK's own retries of 429/5xx; default 1. */
  maxRetries?: number;
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
export class OpenAIChatAnalyzer extends GroundedAnalyzer<OpenAIChatAnalyzerOptions> {
  readonly name = 'openai-chat' as const;
  private readonly client: OpenAI;

  constructor(opts: OpenAIChatAnalyzerOptions) {
    super(opts, openAIProvider(opts.model, 'OPENAI_ANALYSIS_MODEL', opts.baseUrl), 180_000);
    this.client = openAIClient({ apiKey: opts.apiKey, baseUrl: opts.baseUrl, timeoutMs: this.timeoutMs, maxRetries: opts.maxRetries ?? 1 });
  }

  async describe(input: AnalysisInput, grounding: Analysis, signal?: AbortSignal): Promise<CloudOutcome> {
    const { plan, images } = await this.prepareMedia(input, { wholeVideoMaxBytes: undefined, takesRecordings: false }, signal);
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
    return this.described(answerText, grounding, usage, choice.finish_reason === 'length');
  }
}
