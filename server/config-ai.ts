import fs from 'node:fs';
import { DEFAULT_PRICES, Pricing, type ModelPrice, type PriceTable } from './analysis/pricing.ts';
import type { CloudConfig } from './config-cloud.ts';
import { ConfigError, type Env } from './config-errors.ts';
import { size } from './config-parse.ts';

/** How cloud models are fed, what they cost, and how much each user may spend. */
export interface AiConfig {
  /** GEMINI_WHOLE_VIDEO_MAX_SIZE: videos up to this size go whole through the Files API; longer ones as frames + sound track. */
  wholeVideoMaxBytes: number;
  /** TROVE_PROMPT_TEXT_MAX_TOKENS: document text or transcript sent with the prompt, per file. */
  promptTextMaxTokens: number;
  /** Per user, in USD; undefined = no cap. A user's own row may override them. */
  dailyBudgetUsd: number | undefined;
  monthlyBudgetUsd: number | undefined;
  /**
   * GEMINI_THINKING_BUDGET: tokens Gemini 2.5 may spend thinking per file (billed as output).
   * Describing a file needs none: 0 by default on Flash models (which allow switching it off); the
   * model's own default elsewhere (Pro cannot turn thinking off).
   */
  geminiThinkingBudget: number | undefined;
  /** TROVE_BUDGET_SWEEP_S: how often workers look for files waiting for budget that can now be analysed. */
  budgetSweepSec: number;
  pricing: Pricing;
}

function usd(env: Env, name: string): number | undefined {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return undefined;
  if (!/^\d+(\.\d+)?$/.test(raw)) throw new ConfigError(name, `must be an amount in US dollars such as 0.50 (0 keeps every file offline), got '${raw}'.`);
  return Number(raw);
}

function tokens(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 100 || Number(raw) > 2_000_000) {
    throw new ConfigError(name, `must be a whole number of tokens between 100 and 2000000, got '${raw}'.`);
  }
  return Number(raw);
}

function seconds(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > 86_400) throw new ConfigError(name, `must be a whole number of seconds between 1 and 86400, got '${raw}'.`);
  return Number(raw);
}

function thinkingBudget(env: Env, cloud: CloudConfig): number | undefined {
  const raw = env.GEMINI_THINKING_BUDGET?.trim();
  if (raw === undefined || raw === '') return cloud.gemini && /flash/.test(cloud.gemini.model) ? 0 : undefined;
  if (!/^\d+$/.test(raw) || Number(raw) > 32_768) {
    throw new ConfigError('GEMINI_THINKING_BUDGET', `must be a whole number of tokens from 0 (no thinking) to 32768, got '${raw}'.`);
  }
  return Number(raw);
}

/** TROVE_PRICE_TABLE names a JSON file `{read, models: {name: {input_per_million, output_per_million, audio_input_per_million?}}}`. */
function priceTable(env: Env): PriceTable {
  const file = env.TROVE_PRICE_TABLE?.trim();
  if (!file) return DEFAULT_PRICES;
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError('TROVE_PRICE_TABLE', `could not be read as JSON from '${file}' (${err instanceof Error ? err.message : String(err)}).`);
  }
  const table = parsed as { read?: unknown; models?: unknown };
  if (typeof table !== 'object' || table === null || typeof table.models !== 'object' || table.models === null) {
    throw new ConfigError('TROVE_PRICE_TABLE', `must hold {"read": "YYYY-MM-DD", "models": {"model-name": {"input_per_million": 0.3, "output_per_million": 2.5}}}.`);
  }
  const models: Record<string, ModelPrice> = {};
  for (const [name, raw] of Object.entries(table.models as Record<string, unknown>)) {
    const p = raw as Partial<Record<keyof ModelPrice, unknown>> | null;
    const ok = (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v >= 0;
    if (!p || !ok(p.input_per_million) || !ok(p.output_per_million) || (p.audio_input_per_million !== undefined && !ok(p.audio_input_per_million))) {
      throw new ConfigError('TROVE_PRICE_TABLE', `model '${name}' needs input_per_million and output_per_million as numbers ≥ 0 (dollars per million tokens).`);
    }
    models[name] = p as ModelPrice;
  }
  // The file adds to and overrides the defaults, so a deployment lists only what it changes.
  return { read: typeof table.read === 'string' ? table.read : 'unknown', models: { ...DEFAULT_PRICES.models, ...models } };
}

export function loadAiConfig(env: Env, cloud: CloudConfig): AiConfig {
  const pricing = new Pricing(priceTable(env));
  // Every paid model this deployment will call must have a price, or its costs and budgets would read zero.
  const used: [string, string][] = [];
  if (cloud.gemini) used.push([cloud.gemini.model, 'GEMINI_MODEL']);
  if (cloud.openai) used.push([cloud.openai.embeddingModel, 'OPENAI_EMBEDDING_MODEL']);
  if (cloud.openai?.analysisModel) used.push([cloud.openai.analysisModel, 'OPENAI_ANALYSIS_MODEL']);
  for (const [model, variable] of used) {
    if (!pricing.has(model)) {
      throw new ConfigError('TROVE_PRICE_TABLE', `has no price for the model '${model}' (${variable}). Add it to the JSON file TROVE_PRICE_TABLE names ` +
        `(e.g. {"models": {"${model}": {"input_per_million": 0, "output_per_million": 0}}} for a local model), or choose a listed model.`);
    }
  }
  return {
    wholeVideoMaxBytes: size(env, 'GEMINI_WHOLE_VIDEO_MAX_SIZE', 50 * 1024 * 1024),
    promptTextMaxTokens: tokens(env, 'TROVE_PROMPT_TEXT_MAX_TOKENS', 8000),
    dailyBudgetUsd: usd(env, 'TROVE_USER_DAILY_BUDGET_USD'),
    monthlyBudgetUsd: usd(env, 'TROVE_USER_MONTHLY_BUDGET_USD'),
    budgetSweepSec: seconds(env, 'TROVE_BUDGET_SWEEP_S', 600),
    geminiThinkingBudget: thinkingBudget(env, cloud),
    pricing,
  };
}
