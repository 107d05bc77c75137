import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { Usage } from '../../shared/api/schemas.ts';
import type { FileType } from '../../shared/file-types.ts';
import type { Pricing } from '../analysis/pricing.ts';
import type { ModelUsage } from '../analysis/types.ts';
import type { DB, UsageKind } from '../db/schema.ts';
import * as usage from '../db/usage-repo.ts';
import type { Metrics } from '../metrics.ts';

export interface BudgetDefaults {
  dailyUsd: number | undefined;
  monthlyUsd: number | undefined;
}

/** Which file and what for, so a call's cost lands on the right rows. */
export interface UsageContext {
  userId: string;
  uploadId: string | null;
  fileType: FileType | null;
  kind: UsageKind;
}

const DAY_MS = 86_400_000;
const startOfUtcDay = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
const startOfUtcMonth = (d: Date) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
const isoDay = (d: Date) => d.toISOString().slice(0, 10);

/**
 * What paid models cost and whether a user may spend more. Every call's tokens are priced from the
 * price table and kept per call (ai_usage), so a file's cost, a user's day and the deployment's
 * Prometheus counters all add up from the same rows. Budgets are checked before a file goes to a
 * cloud model; a file that starts under budget may end a little over it (one file's cost at most
 * per worker slot), which is the price of never failing a file for money.
 */
export class UsageService {
  constructor(private readonly deps: {
    db: Kysely<DB>; pricing: Pricing; metrics: Metrics; defaults: BudgetDefaults;
    /** The paid models this deployment calls, as the price table names them (none in the embedded default). */
    paidModels: readonly string[];
    now?: () => Date;
  }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  /** Prices one call; the row is written with the file's result (or right away for searches). */
  price(ctx: UsageContext, u: ModelUsage): usage.UsageRow {
    return {
      userId: ctx.userId, uploadId: ctx.uploadId, kind: ctx.kind, model: u.model, fileType: ctx.fileType,
      inputTokens: u.inputTokens, outputTokens: u.outputTokens, audioInputTokens: u.audioInputTokens ?? 0,
      costUsd: this.deps.pricing.cost(u),
    };
  }

  /** Writes priced calls (inside the caller's transaction) and counts them for Prometheus. */
  async record(db: Kysely<DB>, rows: readonly usage.UsageRow[]): Promise<void> {
    await usage.insertUsage(db, rows);
    for (const r of rows) {
      this.deps.metrics.aiTokens.inc({ model: r.model, kind: r.kind, direction: 'input' }, r.inputTokens);
      this.deps.metrics.aiTokens.inc({ model: r.model, kind: r.kind, direction: 'output' }, r.outputTokens);
      this.deps.metrics.aiCost.inc({ model: r.model, kind: r.kind }, r.costUsd);
    }
  }

  /** For calls whose file is not finished with them (a failed attempt that will be retried): billed all the same. */
  recordNow(rows: readonly usage.UsageRow[]): Promise<void> {
    return this.record(this.deps.db, rows);
  }

  async budgetsOf(userId: string): Promise<{ daily: number | null; monthly: number | null }> {
    const own = await usage.userBudgets(this.deps.db, userId);
    return { daily: own.daily ?? this.deps.defaults.dailyUsd ?? null, monthly: own.monthly ?? this.deps.defaults.monthlyUsd ?? null };
  }

  /**
   * A user's own caps (null: the deployment's default). Where the deployment sets a default, a
   * user may lower it, never raise it: the default is what the operator agreed to pay for. The
   * embedded default's one owner pays their own bills and may set anything.
   */
  async setBudgets(userId: string, caps: { daily_usd: number | null; monthly_usd: number | null }, ownerPays: boolean): Promise<void> {
    const { defaults } = this.deps;
    for (const [field, value, cap] of [['daily_usd', caps.daily_usd, defaults.dailyUsd], ['monthly_usd', caps.monthly_usd, defaults.monthlyUsd]] as const) {
      if (!ownerPays && value !== null && cap !== undefined && value > cap) {
        throw new TroveError('VALIDATION_ERROR', `This deployment allows at most $${cap.toFixed(2)} per ${field === 'daily_usd' ? 'day' : 'month'}; choose that or less.`,
          [{ path: `body/${field}`, message: `must be at most ${cap}` }]);
      }
    }
    await usage.setUserBudgets(this.deps.db, userId, { daily: caps.daily_usd, monthly: caps.monthly_usd });
  }

  /** Whether this user may send one more file to a paid model now; the answer names the spent budget. */
  async allowance(userId: string): Promise<{ ok: true } | { ok: false; reason: string }> {
    const { daily, monthly } = await this.budgetsOf(userId);
    if (daily === null && monthly === null) return { ok: true };
    const now = this.now();
    if (daily !== null) {
      const today = await usage.spentSince(this.deps.db, userId, startOfUtcDay(now));
      if (today >= daily) return { ok: false, reason: `The daily AI budget ($${daily.toFixed(2)}) is spent ($${today.toFixed(4)} today).` };
    }
    if (monthly !== null) {
      const month = await usage.spentSince(this.deps.db, userId, startOfUtcMonth(now));
      if (month >= monthly) return { ok: false, reason: `The monthly AI budget ($${monthly.toFixed(2)}) is spent ($${month.toFixed(4)} this month).` };
    }
    return { ok: true };
  }

  /** GET /usage: totals for [from, to] (whole UTC days), by day, model and file type, with the budget's state. */
  async report(userId: string, fromDay: string | undefined, toDay: string | undefined): Promise<Usage> {
    const now = this.now();
    const from = fromDay ? new Date(`${fromDay}T00:00:00Z`) : startOfUtcMonth(now);
    const to = toDay ? new Date(`${toDay}T00:00:00Z`) : startOfUtcDay(now);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime())) {
      throw new TroveError('VALIDATION_ERROR', 'from and to must be dates such as 2026-03-01.', [{ path: 'querystring', message: 'not a date' }]);
    }
    if (from > to) throw new TroveError('VALIDATION_ERROR', '`from` is after `to`.', [{ path: 'querystring/from', message: 'must not be after to' }]);
    if (to.getTime() - from.getTime() > 366 * DAY_MS) {
      throw new TroveError('VALIDATION_ERROR', 'Ask for at most one year at a time.', [{ path: 'querystring', message: 'range longer than 366 days' }]);
    }
    const { db } = this.deps;
    const [report, budgets, today, month, awaiting] = await Promise.all([
      usage.usageReport(db, userId, from, new Date(to.getTime() + DAY_MS)),
      this.budgetsOf(userId),
      usage.spentSince(db, userId, startOfUtcDay(now)),
      usage.spentSince(db, userId, startOfUtcMonth(now)),
      usage.countAwaitingBudget(db, userId),
    ]);
    const t = (x: usage.UsageTotals) => ({
      input_tokens: Number(x.input_tokens), output_tokens: Number(x.output_tokens), cost_usd: round(Number(x.cost_usd)), calls: Number(x.calls),
    });
    return {
      from: isoDay(from), to: isoDay(to),
      total: t(report.total),
      by_day: report.byDay.map((r) => ({ day: r.day, ...t(r.t) })),
      by_model: report.byModel.map((r) => ({ model: r.model, ...t(r.t) })),
      by_file_type: report.byType.map((r) => ({ file_type: r.file_type as FileType | 'search', ...t(r.t) })),
      budget: { daily_usd: budgets.daily, monthly_usd: budgets.monthly, spent_today_usd: round(today), spent_this_month_usd: round(month), awaiting_budget: awaiting },
      prices_read: this.deps.pricing.table.read,
      paid_models: [...this.deps.paidModels],
    };
  }
}

/** Micro-dollars: enough for one embedding call, short enough to read. */
const round = (usd: number) => Math.round(usd * 1e6) / 1e6;
