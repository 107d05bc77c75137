import type { ModelUsage } from './types.ts';

/** Dollars per million tokens for one model. */
export interface ModelPrice {
  input_per_million: number;
  output_per_million: number;
  /** Gemini bills audio input at its own rate; absent → the input rate. */
  audio_input_per_million?: number;
}

export interface PriceTable {
  /** When the prices were read from the providers' lists (YYYY-MM-DD), shown with every cost. */
  read: string;
  models: Record<string, ModelPrice>;
}

/**
 * Defaults from the providers' public price lists (Gemini API paid tier, standard, prompts up to
 * 200k tokens; OpenAI standard tier) as read on the date below. Prices change: a deployment that
 * bills on them sets TROVE_PRICE_TABLE to its own copy. Local OpenAI-compatible models (Ollama…)
 * cost nothing per token and are added there with zero prices.
 */
export const DEFAULT_PRICES: PriceTable = {
  read: '2025-06-17',
  models: {
    'gemini-2.5-flash': { input_per_million: 0.30, output_per_million: 2.50, audio_input_per_million: 1.00 },
    'gemini-2.5-flash-lite': { input_per_million: 0.10, output_per_million: 0.40, audio_input_per_million: 0.30 },
    'gemini-2.5-pro': { input_per_million: 1.25, output_per_million: 10.00 },
    'gemini-2.0-flash': { input_per_million: 0.10, output_per_million: 0.40, audio_input_per_million: 0.70 },
    'gemini-2.0-flash-lite': { input_per_million: 0.075, output_per_million: 0.30 },
    'gpt-4o-mini': { input_per_million: 0.15, output_per_million: 0.60 },
    'gpt-4o': { input_per_million: 2.50, output_per_million: 10.00 },
    'gpt-4.1-mini': { input_per_million: 0.40, output_per_million: 1.60 },
    'gpt-4.1-nano': { input_per_million: 0.10, output_per_million: 0.40 },
    'text-embedding-3-small': { input_per_million: 0.02, output_per_million: 0 },
    'text-embedding-3-large': { input_per_million: 0.13, output_per_million: 0 },
    'text-embedding-ada-002': { input_per_million: 0.10, output_per_million: 0 },
  },
};

/** Turns token counts into dollars; every model the configuration names must be in the table. */
export class Pricing {
  constructor(readonly table: PriceTable) {}

  has(model: string): boolean {
    return Object.hasOwn(this.table.models, model);
  }

  /** Cost of one call in USD. A model missing from the table costs nothing here; start-up refuses such a configuration. */
  cost(usage: ModelUsage): number {
    const price = this.table.models[usage.model];
    if (!price) return 0;
    const audio = Math.min(usage.audioInputTokens ?? 0, usage.inputTokens);
    const text = usage.inputTokens - audio;
    const audioRate = price.audio_input_per_million ?? price.input_per_million;
    return (text * price.input_per_million + audio * audioRate + usage.outputTokens * price.output_per_million) / 1_000_000;
  }
}
