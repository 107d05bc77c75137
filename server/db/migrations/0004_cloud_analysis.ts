import { sql, type Kysely } from 'kysely';

/**
 * Who described each file and what paid models cost. `ai_usage` keeps one row per model call
 * (analysis, embedding, a search's query embedding) so totals by day, model and file type are one
 * GROUP BY, and keeps them after the file is purged: money spent stays spent. Budgets are per user,
 * with NULL meaning "the deployment's default".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads
    ADD COLUMN analyzer text CHECK (analyzer IN ('gemini', 'openai-chat', 'offline')),
    ADD COLUMN cloud_status text CHECK (cloud_status IN ('done', 'awaiting_budget', 'kept_local', 'blocked', 'failed', 'not_configured')),
    ADD COLUMN cloud_reason text,
    ADD COLUMN cost_usd double precision NOT NULL DEFAULT 0,
    ADD COLUMN keep_local boolean NOT NULL DEFAULT false`.execute(db);
  // The re-analysis sweep looks for these per user, oldest first.
  await sql`CREATE INDEX uploads_awaiting_budget ON uploads (user_id, created_at)
    WHERE cloud_status = 'awaiting_budget' AND deleted_at IS NULL`.execute(db);
  // Search asks which vector spaces a user's files use (one per embedding model).
  await sql`CREATE INDEX uploads_user_embedding_model ON uploads (user_id, embedding_model) WHERE deleted_at IS NULL`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN daily_budget_usd double precision, ADD COLUMN monthly_budget_usd double precision`.execute(db);
  await sql`
    CREATE TABLE ai_usage (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      upload_id uuid,
      kind text NOT NULL CHECK (kind IN ('analysis', 'embedding', 'search')),
      model text NOT NULL,
      file_type text,
      input_tokens integer NOT NULL CHECK (input_tokens >= 0),
      output_tokens integer NOT NULL CHECK (output_tokens >= 0),
      audio_input_tokens integer NOT NULL DEFAULT 0,
      cost_usd double precision NOT NULL CHECK (cost_usd >= 0),
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX ai_usage_user_time ON ai_usage (user_id, created_at)`.execute(db);
  // A file described offline while its owner's budget was spent is analysed again later by a job of its own.
  await sql`ALTER TABLE processing_jobs DROP CONSTRAINT processing_jobs_kind_check`.execute(db);
  await sql`ALTER TABLE processing_jobs ADD CONSTRAINT processing_jobs_kind_check CHECK (kind IN ('process', 'reembed', 'reanalyze'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DELETE FROM processing_jobs WHERE kind = 'reanalyze'`.execute(db);
  await sql`ALTER TABLE processing_jobs DROP CONSTRAINT processing_jobs_kind_check`.execute(db);
  await sql`ALTER TABLE processing_jobs ADD CONSTRAINT processing_jobs_kind_check CHECK (kind IN ('process', 'reembed'))`.execute(db);
  await sql`DROP TABLE ai_usage`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN daily_budget_usd, DROP COLUMN monthly_budget_usd`.execute(db);
  await sql`DROP INDEX uploads_user_embedding_model`.execute(db);
  await sql`DROP INDEX uploads_awaiting_budget`.execute(db);
  await sql`ALTER TABLE uploads DROP COLUMN analyzer, DROP COLUMN cloud_status, DROP COLUMN cloud_reason, DROP COLUMN cost_usd, DROP COLUMN keep_local`.execute(db);
}
