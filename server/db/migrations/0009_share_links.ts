import { sql, type Kysely } from 'kysely';

/**
 * Share links (issue 14): a read-only link to one upload or one collection. Only the SHA-256 of the
 * link's random token is kept, so a copy of the database opens no share. A revoked link keeps its row
 * (revoked_at), so its visitors are told "revoked" rather than "no such link". Deleting the collection,
 * or purging the upload, removes the link with it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE shares (
      id uuid PRIMARY KEY,
      user_id uuid NOT NULL REFERENCES users(id),
      token_hash text NOT NULL UNIQUE,
      upload_id uuid REFERENCES uploads(id) ON DELETE CASCADE,
      collection_id uuid REFERENCES collections(id) ON DELETE CASCADE,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      revoked_at timestamptz,
      CHECK ((upload_id IS NULL) <> (collection_id IS NULL))
    )`.execute(db);
  await sql`CREATE INDEX shares_user ON shares (user_id, created_at DESC)`.execute(db);
  await sql`CREATE INDEX shares_upload ON shares (upload_id) WHERE upload_id IS NOT NULL`.execute(db);
  await sql`CREATE INDEX shares_collection ON shares (collection_id) WHERE collection_id IS NOT NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE shares`.execute(db);
}
