import type { Usage } from '../../shared/api/schemas.ts';
import { formatCount, formatUsd } from '../../shared/format.ts';
import { connect, type ConnectionFlags } from './locate.ts';
import { ALL_LOCAL_TEXT, isAllLocal } from '../../shared/api/usage.ts';

export interface UsageOptions extends ConnectionFlags {
  from?: string;
  to?: string;
  json?: boolean;
}

/** `trove usage`: what paid AI models cost — totals, by model and file type, and the budget. */
export async function usageCommand(opts: UsageOptions): Promise<number> {
  const { client } = await connect(opts);
  const usage = await client.usage({ ...(opts.from ? { from: opts.from } : {}), ...(opts.to ? { to: opts.to } : {}) });
  process.stdout.write(opts.json ? `${JSON.stringify(usage, null, 2)}\n` : usageText(usage));
  return 0;
}


/** `$0.4321 — 1,234,567 tokens in, 45,678 out, 812 calls` */
export function totalsText(t: Usage['total']): string {
  return `${formatUsd(t.cost_usd)} — ${formatCount(t.input_tokens)} tokens in, ${formatCount(t.output_tokens)} out, ${formatCount(t.calls)} call${t.calls === 1 ? '' : 's'}`;
}

function budgetText(label: string, cap: number | null, spent: number, period: string): string {
  if (cap === null) return `${label}: no cap (${formatUsd(spent)} spent ${period})`;
  return `${label}: ${formatUsd(spent)} of ${formatUsd(cap)} spent ${period}${spent >= cap ? ' — reached' : ''}`;
}

const TYPE_NAMES: Record<Usage['by_file_type'][number]['file_type'], string> = {
  image: 'images', video: 'videos', audio: 'audio', document: 'documents', search: 'searches',
};

export function usageText(u: Usage): string {
  const lines = [`AI usage ${u.from} – ${u.to} (UTC)`];
  if (isAllLocal(u)) {
    lines.push(ALL_LOCAL_TEXT);
    return `${lines.join('\n')}\n`;
  }
  lines.push(`Total:    ${totalsText(u.total)}`);
  lines.push(`Budget:   ${budgetText('daily', u.budget.daily_usd, u.budget.spent_today_usd, 'today')}`);
  lines.push(`          ${budgetText('monthly', u.budget.monthly_usd, u.budget.spent_this_month_usd, 'this month')}`);
  if (u.budget.awaiting_budget > 0) {
    const n = u.budget.awaiting_budget;
    lines.push(`Waiting:  ${formatCount(n)} file${n === 1 ? '' : 's'} described offline until AI budget is available again`);
  }
  const table = (title: string, rows: { name: string; t: Usage['total'] }[]) => {
    if (rows.length === 0) return;
    lines.push(`${title}:`);
    const width = Math.max(...rows.map((r) => r.name.length));
    for (const r of rows) lines.push(`  ${r.name.padEnd(width)}  ${totalsText(r.t)}`);
  };
  table('By model', u.by_model.map((m) => ({ name: m.model, t: m })));
  table('By file type', u.by_file_type.map((f) => ({ name: TYPE_NAMES[f.file_type], t: f })));
  lines.push(`Costs from the providers' public prices as of ${u.prices_read}.`);
  return `${lines.join('\n')}\n`;
}
