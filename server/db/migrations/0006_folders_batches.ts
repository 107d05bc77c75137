import { sql, type Kysely } from 'kysely';
import { CREATED_UPDATED, OWNED_ROW } from './columns.ts';

/**
 * Where a file came from and how archives arrive.
 * - `uploads.folder`: the cleaned relative folder a file had inside a ZIP (`Holidays/2023`), null for
 *   a file uploaded on its own. Shown as a folder tree and usable as a filter.
 * - `upload_batches`: one row per accepted archive (a refused one leaves no row); `upload_batch_entries`:
 *   one row per entry, in archive order, with what became of it. An entry that became an upload
 *   points at it; its progress is then the upload's own (queued → processing → done / failed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads ADD COLUMN folder text`.execute(db);
  await sql`CREATE INDEX uploads_user_folder ON uploads (user_id, folder) WHERE deleted_at IS NULL AND folder IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE upload_batches (
      ${OWNED_ROW},
      archive_name text NOT NULL,
      archive_size bigint NOT NULL,
      -- extracting → done; interrupted when the process ended before every entry was read
      state text NOT NULL DEFAULT 'extracting',
      -- set when the archive was damaged part-way: the entries after the damage are reported, not read
      error_code text,
      error_message text,
      ${CREATED_UPDATED}
    )`.execute(db);
  await sql`CREATE INDEX upload_batches_user ON upload_batches (user_id, created_at DESC)`.execute(db);
  await sql`
    CREATE TABLE upload_batch_entries (
      batch_id uuid NOT NULL REFERENCES upload_batches(id) ON DELETE CASCADE,
      position integer NOT NULL,
      -- the entry's name after cleaning (folder + file name), for people
      path text NOT NULL,
      filename text NOT NULL,
      folder text,
      size bigint NOT NULL DEFAULT 0,
      -- queued (not read yet) | ingested (an upload: see upload_id) | duplicate | skipped | failed
      state text NOT NULL,
      reason_code text,
      reason text,
      upload_id uuid REFERENCES uploads(id) ON DELETE SET NULL,
      PRIMARY KEY (batch_id, position)
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE upload_batch_entries`.execute(db);
  await sql`DROP TABLE upload_batches`.execute(db);
  await sql`DROP INDEX uploads_user_folder`.execute(db);
  await sql`ALTER TABLE uploads DROP COLUMN folder`.execute(db);
}
