import { sql, type Kysely } from 'kysely';

/**
 * The first schema. The embedding column has no fixed dimension so that vectors of different
 * models can live side by side while a model change re-embeds in the background; each model gets
 * its own partial HNSW index over a typed cast (see ensureVectorIndex).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE EXTENSION IF NOT EXISTS vector`.execute(db);
  await sql`
    CREATE TABLE users (
      id uuid PRIMARY KEY,
      external_id text NOT NULL UNIQUE,
      email text,
      display_name text,
      suspended boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`
    CREATE TABLE uploads (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      storage_uri text NOT NULL,
      original_filename text NOT NULL,
      file_type text NOT NULL CHECK (file_type IN ('image', 'video', 'audio', 'document')),
      file_size bigint NOT NULL CHECK (file_size > 0),
      mime_type text NOT NULL,
      file_hash char(64) NOT NULL,
      processing_status text NOT NULL DEFAULT 'pending'
        CHECK (processing_status IN ('pending', 'processing', 'completed', 'failed')),
      processing_started_at timestamptz,
      processing_completed_at timestamptz,
      processing_error text,
      processing_error_code text,
      retry_count integer NOT NULL DEFAULT 0,
      summary text,
      tags text[] NOT NULL DEFAULT '{}',
      extracted_text text,
      token_count integer,
      embedding vector,
      embedding_model text,
      analysis_model text,
      search_tsv tsvector,
      metadata jsonb NOT NULL DEFAULT '{}',
      user_metadata jsonb NOT NULL DEFAULT '{}',
      thumbnail_uri text,
      preview_uri text,
      current_job_id uuid,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      deleted_at timestamptz,
      purge_after timestamptz
    )`.execute(db);
  await sql`CREATE INDEX uploads_user_created ON uploads (user_id, created_at DESC) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX uploads_unfinished ON uploads (processing_status, updated_at)
    WHERE processing_status IN ('pending', 'processing') AND deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX uploads_file_hash ON uploads (file_hash)`.execute(db);
  // One live copy of the same bytes per user: a second upload of them is answered as a duplicate.
  await sql`CREATE UNIQUE INDEX uploads_user_hash_live ON uploads (user_id, file_hash) WHERE deleted_at IS NULL`.execute(db);
  await sql`CREATE INDEX uploads_search_tsv ON uploads USING gin (search_tsv)`.execute(db);
  await sql`CREATE INDEX uploads_purge ON uploads (purge_after) WHERE purge_after IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE processing_jobs (
      id uuid PRIMARY KEY,
      upload_id uuid NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
      user_id uuid NOT NULL REFERENCES users(id),
      kind text NOT NULL CHECK (kind IN ('process', 'reembed')),
      state text NOT NULL DEFAULT 'queued'
        CHECK (state IN ('queued', 'processing', 'completed', 'failed', 'cancelled')),
      progress integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
      stage text,
      attempts integer NOT NULL DEFAULT 0,
      queue_job_id uuid,
      error_code text,
      error_message text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX processing_jobs_upload ON processing_jobs (upload_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX processing_jobs_open ON processing_jobs (state) WHERE state IN ('queued', 'processing')`.execute(db);
  await sql`
    CREATE TABLE search_history (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      query text NOT NULL,
      filters jsonb NOT NULL DEFAULT '{}',
      result_count integer NOT NULL,
      latency_ms double precision NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX search_history_user_created ON search_history (user_id, created_at DESC)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE search_history, processing_jobs, uploads, users`.execute(db);
}
