// Token counts of paid calls, read from what each provider reports. They feed the price table,
// per-file costs and budgets, so a count is never silently zero: when a server omits it (some
// OpenAI-compatible local servers do), an estimate stands in and the log says so once.
import { MediaModality, type GenerateContentResponseUsageMetadata } from '@google/genai';
import type { Logger } from '../../logger.ts';
import { roughTokens } from '../offline/text.ts';
import type { ModelUsage } from '../types.ts';

/** What a request sent and got back, for estimates when the provider reports no counts. */
export interface UsageEstimate {
  /** Every text the request carried (instructions and prompt). */
  promptText: string;
  /** Pictures attached, at `tokensPerImage` each. */
  images: number;
  tokensPerImage: number;
  /** The answer's text. */
  answerText: string;
}

export function estimateUsage(model: string, e: UsageEstimate): ModelUsage {
  return { model, inputTokens: roughTokens(e.promptText) + e.images * e.tokensPerImage, outputTokens: roughTokens(e.answerText) };
}

const count = (n: number | undefined): number => (typeof n === 'number' && Number.isFinite(n) && n > 0 ? Math.round(n) : 0);

/**
 * Gemini's `usageMetadata`: the prompt (text, pictures, video, audio) is input; the answer and the
 * model's thinking are both billed as output. Audio is billed at its own rate, so its share of the
 * prompt is kept apart (`promptTokensDetails` with modality AUDIO).
 */
export function geminiUsage(
  model: string, meta: GenerateContentResponseUsageMetadata | undefined, estimate: UsageEstimate, warn: WarnOnce,
): ModelUsage {
  if (!meta || typeof meta.promptTokenCount !== 'number') {
    warn.warn('Gemini reported no token counts; costs of this model are estimated from the text sent');
    return estimateUsage(model, estimate);
  }
  const audio = (meta.promptTokensDetails ?? []).filter((d) => d.modality === MediaModality.AUDIO).reduce((n, d) => n + count(d.tokenCount), 0);
  return {
    model,
    inputTokens: count(meta.promptTokenCount),
    outputTokens: count(meta.candidatesTokenCount) + count(meta.thoughtsTokenCount),
    ...(audio > 0 ? { audioInputTokens: Math.min(audio, count(meta.promptTokenCount)) } : {}),
  };
}

/** OpenAI's `usage` (chat or embeddings); Ollama and some other servers leave it out. */
export function openAIUsage(
  model: string, usage: { prompt_tokens?: number; completion_tokens?: number } | null | undefined,
  estimate: UsageEstimate, warn: WarnOnce,
): ModelUsage {
  if (!usage || typeof usage.prompt_tokens !== 'number') {
    warn.warn(`the server reported no token counts for '${model}'; its costs are estimated from the text sent`);
    return estimateUsage(model, estimate);
  }
  return { model, inputTokens: count(usage.prompt_tokens), outputTokens: count(usage.completion_tokens) };
}

export function totalTokens(usage: readonly ModelUsage[]): number {
  return usage.reduce((n, u) => n + u.inputTokens + u.outputTokens, 0);
}

/**
 * Splits a whole number into shares proportional to `weights` that add up to it exactly (largest
 * remainder), so the costs of a batch shared by several files sum to what the provider billed.
 */
export function apportion(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + Math.max(0, b), 0);
  const exact = weights.map((w) => (sum > 0 ? (total * Math.max(0, w)) / sum : total / weights.length));
  const shares = exact.map(Math.floor);
  let left = total - shares.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x) })).sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    shares[i]! += 1;
    left -= 1;
  }
  return shares;
}

/** One warning per message and adapter, so a server without usage does not flood the log. */
export class WarnOnce {
  private readonly said = new Set<string>();
  constructor(private readonly log: Logger | undefined) {}
  warn(message: string): void {
    if (this.said.has(message)) return;
    this.said.add(message);
    this.log?.warn({}, message);
  }
}
