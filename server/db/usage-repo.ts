import { randomUUID } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { FileType } from '../../shared/file-types.ts';
import type { DB, UsageKind } from './schema.ts';

export interface UsageRow {
  userId: string;
  uploadId: string | null;
  kind: UsageKind;
  model: string;
  fileType: FileType | null;
  inputTokens: number;
  outputTokens: number;
  audioInputTokens: number;
  costUsd: number;
}

export async function insertUsage(db: Kysely<DB>, rows: readonly UsageRow[]): Promise<void> {
  if (rows.length === 0) return;
  await db.insertInto('ai_usage').values(rows.map((r) => ({
    id: randomUUID(), user_id: r.userId, upload_id: r.uploadId, kind: r.kind, model: r.model, file_type: r.fileType,
    input_tokens: Math.round(r.inputTokens), output_tokens: Math.round(r.outputTokens), audio_input_tokens: Math.round(r.audioInputTokens),
    cost_usd: r.costUsd,
  }))).execute();
}

/** Dollars a user's paid calls cost since a moment (the start of today, of this month). */
export async function spentSince(db: Kysely<DB>, userId: string, since: Date): Promise<number> {
  const row = await db.selectFrom('ai_usage').select(sql<number>`COALESCE(sum(cost_usd), 0)`.as('usd'))
    .where('user_id', '=', userId).where('created_at', '>=', since).executeTakeFirstOrThrow();
  return Number(row.usd);
}

/** A user's own budget overrides (null: the deployment's default). */
export async function userBudgets(db: Kysely<DB>, userId: string): Promise<{ daily: number | null; monthly: number | null }> {
  const row = await db.selectFrom('users').select(['daily_budget_usd', 'monthly_budget_usd']).where('id', '=', userId).executeTakeFirst();
  return { daily: row?.daily_budget_usd ?? null, monthly: row?.monthly_budget_usd ?? null };
}

export async function setUserBudgets(db: Kysely<DB>, userId: string, budgets: { daily: number | null; monthly: number | null }): Promise<void> {
  await db.updateTable('users').set({ daily_budget_usd: budgets.daily, monthly_budget_usd: budgets.monthly }).where('id', '=', userId).execute();
}

export interface UsageTotals {
  input_tokens: number;
  output_tokens: number;
  cost_usd: number;
  calls: number;
}

const totals = sql<UsageTotals>`json_build_object(
  'input_tokens', COALESCE(sum(input_tokens), 0), 'output_tokens', COALESCE(sum(output_tokens), 0),
  'cost_usd', COALESCE(sum(cost_usd), 0), 'calls', count(*))`;

/** Totals in [from, to) grouped by UTC day, by model and by file type (a search's query embedding counts as 'search'). */
export async function usageReport(db: Kysely<DB>, userId: string, from: Date, to: Date) {
  const base = db.selectFrom('ai_usage').where('user_id', '=', userId).where('created_at', '>=', from).where('created_at', '<', to);
  const [total, byDay, byModel, byType] = await Promise.all([
    base.select(totals.as('t')).executeTakeFirstOrThrow(),
    base.select([sql<string>`to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')`.as('day'), totals.as('t')])
      .groupBy(sql`1`).orderBy(sql`1`).execute(),
    base.select(['model', totals.as('t')]).groupBy('model').orderBy('model').execute(),
    base.select([sql<string>`CASE WHEN kind = 'search' THEN 'search' ELSE COALESCE(file_type, 'search') END`.as('file_type'), totals.as('t')])
      .groupBy(sql`1`).orderBy(sql`1`).execute(),
  ]);
  return { total: total.t, byDay, byModel, byType };
}

/** Uploads waiting for budget, per user: how many. */
export async function countAwaitingBudget(db: Kysely<DB>, userId: string): Promise<number> {
  const row = await db.selectFrom('uploads').select((eb) => eb.fn.countAll<number>().as('n'))
    .where('user_id', '=', userId).where('cloud_status', '=', 'awaiting_budget').where('deleted_at', 'is', null).executeTakeFirstOrThrow();
  return Number(row.n);
}
