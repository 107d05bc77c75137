import type { Logger } from '../../logger.ts';
import type { Analysis, AnalysisInput, CloudAnalyzer, CloudOutcome, ModelUsage } from '../types.ts';
import { parseAnswer, toAnalysis } from './answer.ts';
import { abortReason, malformedError, type ProviderInfo } from './errors.ts';
import { planMedia, type MediaPlan, type MediaPlanOptions } from './media-plan.ts';
import { DEFAULT_IMAGE_OPTIONS, prepareImages, type ImageOptions, type PreparedImage } from './media.ts';
import { WarnOnce } from './usage.ts';

/** The options every grounded analyzer takes alike; each provider adds its own. */
export interface GroundedAnalyzerOptions {
  /** The provider's model id, e.g. 'gemini-2.5-flash', 'gpt-4o-mini'. */
  model: string;
  /** ENABLE_CONTENT_MODERATION: ask for an NSFW judgement and store it as metadata.nsfw. */
  contentModeration: boolean;
  /** TROVE_PROMPT_TEXT_MAX_TOKENS: the file's text sent with the prompt. */
  promptTextMaxTokens: number;
  log?: Logger | undefined;
  /** Per request; each provider has its own default. */
  timeoutMs?: number;
  images?: Partial<ImageOptions>;
  /** Page pictures sent with a scanned document's OCR text; default 3. */
  maxScanPages?: number;
}

/**
 * What the two chat analyzers (Gemini, OpenAI-compatible) do alike, so each keeps only its
 * provider's request and refusal shapes: which media to send and their downscaled pictures before
 * the request, and after it, the model's JSON answer read into the stored Analysis (or MALFORMED,
 * saying whether the output limit cut it off).
 */
export abstract class GroundedAnalyzer<O extends GroundedAnalyzerOptions> implements CloudAnalyzer {
  abstract readonly name: CloudAnalyzer['name'];
  readonly model: string;
  protected readonly timeoutMs: number;
  /** One warning per analyzer when the provider reports no token counts. */
  protected readonly warnOnce: WarnOnce;
  private readonly imageOpts: ImageOptions;

  protected constructor(protected readonly opts: O, protected readonly info: ProviderInfo, defaultTimeoutMs: number) {
    this.model = opts.model;
    this.timeoutMs = opts.timeoutMs ?? defaultTimeoutMs;
    this.imageOpts = { ...DEFAULT_IMAGE_OPTIONS, ...opts.images };
    this.warnOnce = new WarnOnce(opts.log);
  }

  abstract describe(input: AnalysisInput, grounding: Analysis, signal?: AbortSignal): Promise<CloudOutcome>;

  /** The media plan for what this provider takes, and its pictures downscaled (those that decode). */
  protected async prepareMedia(
    input: AnalysisInput, takes: Omit<MediaPlanOptions, 'maxScanPages'>, signal: AbortSignal | undefined,
  ): Promise<{ plan: MediaPlan; images: PreparedImage[] }> {
    if (signal?.aborted) throw abortReason(signal);
    const plan = await planMedia(input, { ...takes, maxScanPages: this.opts.maxScanPages ?? 3 });
    const images = await prepareImages(plan.pictures, this.imageOpts, this.opts.log, signal);
    return { plan, images };
  }

  /** The model's answer as the Analysis that is stored; `cutOff` when the provider says it hit the output limit. */
  protected described(answerText: string, grounding: Analysis, usage: ModelUsage[], cutOff: boolean): CloudOutcome {
    const answer = parseAnswer(answerText);
    if (!answer) {
      throw malformedError(this.info, cutOff ? 'the JSON was cut off at the output token limit' : 'no JSON object with a summary', usage);
    }
    const analysis = toAnalysis(answer, grounding, usage, { contentModeration: this.opts.contentModeration, model: `${this.name}:${this.model}`, provider: this.name });
    return { kind: 'described', analysis, usage };
  }
}
