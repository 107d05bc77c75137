/**
 * `trove usage` and the status line with real numbers (the embedded server calls no paid model, so
 * the CLI test sees only zeros): totals, budgets reached or not, files waiting, the breakdowns.
 */
import { describe, expect, it } from 'vitest';
import type { Usage } from '../../shared/api/schemas.ts';
import { isAllLocal } from '../../shared/api/usage.ts';
import { totalsText, usageText } from '../../server/cli/usage-command.ts';

const usage: Usage = {
  from: '2026-03-01', to: '2026-03-18',
  total: { input_tokens: 1_234_567, output_tokens: 45_678, cost_usd: 0.4321, calls: 812 },
  by_day: [],
  by_model: [
    { model: 'gemini-2.5-flash', input_tokens: 1_200_000, output_tokens: 45_678, cost_usd: 0.43, calls: 400 },
    { model: 'text-embedding-3-small', input_tokens: 34_567, output_tokens: 0, cost_usd: 0.0021, calls: 412 },
  ],
  by_file_type: [{ file_type: 'image', input_tokens: 1_200_000, output_tokens: 45_678, cost_usd: 0.43, calls: 400 }],
  budget: { daily_usd: 0.5, monthly_usd: null, spent_today_usd: 0.5012, spent_this_month_usd: 0.4321, awaiting_budget: 3 },
  prices_read: '2026-02-10',
  paid_models: ['gemini-2.5-flash', 'text-embedding-3-small'],
};

describe('trove usage text', () => {
  it('prints totals, both budgets, what waits, by model and by type, and the price date', () => {
    expect(usageText(usage)).toBe([
      'AI usage 2026-03-01 – 2026-03-18 (UTC)',
      'Total:    $0.4321 — 1,234,567 tokens in, 45,678 out, 812 calls',
      'Budget:   daily: $0.5012 of $0.50 spent today — reached',
      '          monthly: no cap ($0.4321 spent this month)',
      'Waiting:  3 files described offline until AI budget is available again',
      'By model:',
      '  gemini-2.5-flash        $0.43 — 1,200,000 tokens in, 45,678 out, 400 calls',
      '  text-embedding-3-small  $0.0021 — 34,567 tokens in, 0 out, 412 calls',
      'By file type:',
      '  images  $0.43 — 1,200,000 tokens in, 45,678 out, 400 calls',
      "Costs from the providers' public prices as of 2026-02-10.",
      '',
    ].join('\n'));
  });

  it('says when no paid model is configured, or none was used', () => {
    const zero = { input_tokens: 0, output_tokens: 0, cost_usd: 0, calls: 0 };
    const none: Usage = { ...usage, total: zero, by_model: [], by_file_type: [], budget: { daily_usd: null, monthly_usd: null, spent_today_usd: 0, spent_this_month_usd: 0, awaiting_budget: 0 } };
    expect(usageText({ ...none, paid_models: [] })).toContain('No paid AI models are configured; everything is analysed on this device.');
    // A paid model configured but not used yet, or calls made earlier by one no longer configured: not "all local".
    expect(isAllLocal({ ...none, paid_models: ['gemini-2.5-flash'] })).toBe(false);
    expect(isAllLocal({ ...usage, paid_models: [] })).toBe(false);
    expect(totalsText({ input_tokens: 10, output_tokens: 2, cost_usd: 0.000002, calls: 1 })).toBe('$0.000002 — 10 tokens in, 2 out, 1 call');
  });
});
