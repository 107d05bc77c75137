import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_PRICES, Pricing } from '../../../server/analysis/pricing.ts';
import { ConfigError, loadConfig } from '../../../server/config.ts';

let dir: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-prices-'));
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

function errorOf(env: Record<string, string>): ConfigError {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('loadConfig accepted the configuration');
}

async function priceFile(content: unknown): Promise<string> {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}.json`);
  await fs.writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

describe('AI prices and budgets in the configuration', () => {
  it('defaults: no budget caps, the providers\' price list with the date it was read', () => {
    const { ai } = loadConfig({ TROVE_DATA_DIR: '/tmp/x' });
    expect(ai).toMatchObject({ dailyBudgetUsd: undefined, monthlyBudgetUsd: undefined, promptTextMaxTokens: 8000, wholeVideoMaxBytes: 50 * 1024 ** 2 });
    expect(ai.pricing.table.read).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(ai.pricing.has('gemini-2.5-flash')).toBe(true);
  });

  it('reads budgets in dollars; zero is a valid budget', () => {
    const { ai } = loadConfig({ TROVE_USER_DAILY_BUDGET_USD: '0', TROVE_USER_MONTHLY_BUDGET_USD: '12.50' });
    expect(ai.dailyBudgetUsd).toBe(0);
    expect(ai.monthlyBudgetUsd).toBe(12.5);
  });

  it.each([
    ['TROVE_USER_DAILY_BUDGET_USD', '-1', /US dollars/],
    ['TROVE_USER_MONTHLY_BUDGET_USD', 'ten', /US dollars/],
    ['TROVE_PROMPT_TEXT_MAX_TOKENS', '5', /between 100 and/],
    ['GEMINI_WHOLE_VIDEO_MAX_SIZE', 'big', /size/],
    ['TROVE_BUDGET_SWEEP_S', '0', /seconds between 1 and 86400/],
  ])('stops on a bad %s, naming it', (name, value, message) => {
    const err = errorOf({ [name]: value });
    expect(err.variable).toBe(name);
    expect(err.message).toMatch(message);
  });

  it('refuses a configured model the price table does not know, naming the model and how to add it', () => {
    const err = errorOf({ GEMINI_API_KEY: 'k', GEMINI_MODEL: 'gemini-9-ultra' });
    expect(err.variable).toBe('TROVE_PRICE_TABLE');
    expect(err.message).toMatch(/'gemini-9-ultra' \(GEMINI_MODEL\)/);
    expect(err.message).toMatch(/input_per_million/);
    expect(errorOf({ OPENAI_API_KEY: 'k', OPENAI_ANALYSIS_MODEL: 'llava' }).message).toMatch(/'llava' \(OPENAI_ANALYSIS_MODEL\)/);
  });

  it('a price table file adds to the defaults (a local model at zero) and replaces their date', async () => {
    const file = await priceFile({ read: '2026-11-30', models: { llava: { input_per_million: 0, output_per_million: 0 } } });
    const { ai } = loadConfig({ OPENAI_API_KEY: 'k', OPENAI_ANALYSIS_MODEL: 'llava', TROVE_PRICE_TABLE: file });
    expect(ai.pricing.table.read).toBe('2026-11-30');
    expect(ai.pricing.cost({ model: 'llava', inputTokens: 10_000, outputTokens: 500 })).toBe(0);
    expect(ai.pricing.has('text-embedding-3-small')).toBe(true);
  });

  it.each([
    ['not JSON', '{oops', /could not be read as JSON/],
    ['no models', { read: '2026-01-01' }, /must hold/],
    ['a price that is not a number', { models: { m: { input_per_million: 'cheap', output_per_million: 1 } } }, /model 'm' needs/],
    ['a negative price', { models: { m: { input_per_million: -1, output_per_million: 1 } } }, /model 'm' needs/],
  ])('refuses a price table with %s', async (_what, content, message) => {
    const err = errorOf({ TROVE_PRICE_TABLE: await priceFile(content) });
    expect(err.variable).toBe('TROVE_PRICE_TABLE');
    expect(err.message).toMatch(message);
  });
  it('names a price table file that does not exist', () => {
    expect(errorOf({ TROVE_PRICE_TABLE: path.join(dir, 'missing.json') }).message).toMatch(/missing\.json/);
  });
});

describe('Pricing', () => {
  const pricing = new Pricing(DEFAULT_PRICES);
  it('prices input, output and Gemini\'s audio input at their own rates', () => {
    // gemini-2.5-flash: $0.30 / M input, $1.00 / M audio input, $2.50 / M output.
    expect(pricing.cost({ model: 'gemini-2.5-flash', inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(0.30, 10);
    expect(pricing.cost({ model: 'gemini-2.5-flash', inputTokens: 1_000_000, outputTokens: 0, audioInputTokens: 400_000 })).toBeCloseTo(0.18 + 0.40, 10);
    expect(pricing.cost({ model: 'gemini-2.5-flash', inputTokens: 0, outputTokens: 1_000_000 })).toBeCloseTo(2.50, 10);
    expect(pricing.cost({ model: 'text-embedding-3-small', inputTokens: 1_000_000, outputTokens: 0 })).toBeCloseTo(0.02, 10);
  });
  it('never counts more audio than input', () => {
    expect(pricing.cost({ model: 'gemini-2.5-flash', inputTokens: 100, outputTokens: 0, audioInputTokens: 1000 }))
      .toBeCloseTo((100 * 1.0) / 1e6, 12);
  });
});
