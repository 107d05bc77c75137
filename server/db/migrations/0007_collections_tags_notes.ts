import { sql, type Kysely } from 'kysely';
import { CREATED_UPDATED, OWNED_ROW } from './columns.ts';

/**
 * What a person adds to their own files (issue 14): collections (nested one level), their own tags
 * and one note per file, and whether the detail view shows the analyzer's tags.
 *
 * Tags and the note live on the upload row rather than in tables of their own because the full-text
 * document (`search_tsv`) is rebuilt from the row's columns whenever either changes (uploads-repo
 * userSearchVector): one UPDATE keeps them searchable at once, with no join in the search statement.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads ADD COLUMN user_tags text[] NOT NULL DEFAULT '{}', ADD COLUMN note text`.execute(db);
  // `tag:beach` filters with array containment.
  await sql`CREATE INDEX uploads_user_tags ON uploads USING gin (user_tags)`.execute(db);
  await sql`ALTER TABLE users ADD COLUMN hide_analyzer_tags boolean NOT NULL DEFAULT false`.execute(db);
  await sql`
    CREATE TABLE collections (
      ${OWNED_ROW},
      name text NOT NULL,
      -- One level only (a parent has no parent): checked by the service, which gives the stable code.
      parent_id uuid REFERENCES collections(id) ON DELETE CASCADE,
      ${CREATED_UPDATED}
    )`.execute(db);
  // Names are unique among siblings, whatever their case.
  await sql`CREATE UNIQUE INDEX collections_sibling_name ON collections
    (user_id, COALESCE(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name))`.execute(db);
  await sql`CREATE INDEX collections_parent ON collections (parent_id) WHERE parent_id IS NOT NULL`.execute(db);
  await sql`
    CREATE TABLE collection_items (
      collection_id uuid NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      -- A purged upload leaves its collections; a soft-deleted one stays (restore brings it back) but is not counted or shown.
      upload_id uuid NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
      added_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (collection_id, upload_id)
    )`.execute(db);
  await sql`CREATE INDEX collection_items_upload ON collection_items (upload_id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE collection_items, collections`.execute(db);
  await sql`ALTER TABLE users DROP COLUMN hide_analyzer_tags`.execute(db);
  await sql`DROP INDEX uploads_user_tags`.execute(db);
  await sql`ALTER TABLE uploads DROP COLUMN user_tags, DROP COLUMN note`.execute(db);
}
