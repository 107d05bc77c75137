import type { Usage } from '../../../../shared/api/schemas.ts';
import { formatCount, formatUsd } from '../../lib/cloud.ts';
import { TYPE_LABELS } from '../../lib/items.ts';

type Totals = Usage['total'];

const dayFormat = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });

function formatDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  return Number.isNaN(d.getTime()) ? day : dayFormat.format(d);
}

function fileTypeLabel(t: Usage['by_file_type'][number]['file_type']): string {
  return t === 'search' ? 'Searches' : TYPE_LABELS[t].many;
}

/** One row per model or file type: calls, tokens in and out, cost. */
function Breakdown({ caption, head, rows }: { caption: string; head: string; rows: { key: string; label: string; t: Totals }[] }) {
  if (rows.length === 0) return null;
  return (
    <table className="usage-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{head}</th>
          <th scope="col" className="num">Calls</th>
          <th scope="col" className="num">Tokens in</th>
          <th scope="col" className="num">Tokens out</th>
          <th scope="col" className="num">Cost</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key}>
            <th scope="row">{r.label}</th>
            <td className="num">{formatCount(r.t.calls)}</td>
            <td className="num">{formatCount(r.t.input_tokens)}</td>
            <td className="num">{formatCount(r.t.output_tokens)}</td>
            <td className="num">{formatUsd(r.t.cost_usd)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A cap and what was spent against it, as words and a meter. */
function BudgetLine({ label, cap, spent, period }: { label: string; cap: number | null; spent: number; period: string }) {
  if (cap === null) return <p className="budget-line">{label}: no cap <span className="muted">({formatUsd(spent)} spent {period})</span></p>;
  const ratio = cap > 0 ? Math.min(1, spent / cap) : 1;
  const text = `${formatUsd(spent)} of ${formatUsd(cap)} spent ${period}`;
  return (
    <div className="budget-line">
      <p>{label}: {text}{spent >= cap ? ' \u2014 reached' : ''}</p>
      <meter className="budget-meter" min={0} max={1} low={0.75} high={0.9} optimum={0} value={ratio} aria-label={`${label}: ${text}`} />
    </div>
  );
}

/** The month's usage: totals, the budget and what waits for it, the cost by model and by file type. */
export function UsageReport({ usage }: { usage: Usage }) {
  const { total, budget } = usage;
  return (
    <>
      <p className="muted usage-period">{`${formatDay(usage.from)} \u2013 ${formatDay(usage.to)} (UTC)`}</p>
      <dl className="usage-totals">
        <div><dt>Cost</dt><dd>{formatUsd(total.cost_usd)}</dd></div>
        <div><dt>Tokens in</dt><dd>{formatCount(total.input_tokens)}</dd></div>
        <div><dt>Tokens out</dt><dd>{formatCount(total.output_tokens)}</dd></div>
        <div><dt>Calls</dt><dd>{formatCount(total.calls)}</dd></div>
      </dl>
      <div className="usage-budget" role="group" aria-label="AI budget">
        <BudgetLine label="Daily budget" cap={budget.daily_usd} spent={budget.spent_today_usd} period="today" />
        <BudgetLine label="Monthly budget" cap={budget.monthly_usd} spent={budget.spent_this_month_usd} period="this month" />
        {budget.awaiting_budget > 0 && (
          <p className="budget-waiting">
            {budget.awaiting_budget === 1 ? '1 file is' : `${formatCount(budget.awaiting_budget)} files are`} waiting for AI budget:
            described offline for now, and by the cloud model once budget is available again.
          </p>
        )}
      </div>
      <Breakdown caption="By model" head="Model" rows={usage.by_model.map((m) => ({ key: m.model, label: m.model, t: m }))} />
      <Breakdown caption="By file type" head="Type" rows={usage.by_file_type.map((f) => ({ key: f.file_type, label: fileTypeLabel(f.file_type), t: f }))} />
      <p className="hint">Costs are worked out from the providers&rsquo; public prices as of {usage.prices_read}.</p>
    </>
  );
}
