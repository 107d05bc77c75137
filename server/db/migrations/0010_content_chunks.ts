import { sql, type Kysely } from 'kysely';

/**
 * The parts of a file search can point into (issue 11, items 6 and 7): a document's pages and the
 * timed segments of a transcript. Each part keeps its own full-text document and its vector, so a
 * phrase on page 80 of a long manual is found (the upload's own text is only its first part), and a
 * hit can say where in the file it matched (`moment` on a search result). The vector lives in the
 * same space as the upload's (`embedding_model`), stored inline as in 0002. Rows go with their
 * upload (ON DELETE CASCADE) and are replaced whole when it is analysed again.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE upload_chunks (
      upload_id uuid NOT NULL REFERENCES uploads(id) ON DELETE CASCADE,
      ordinal integer NOT NULL,
      kind text NOT NULL CHECK (kind IN ('transcript', 'page', 'frames')),
      page integer,
      start_s real,
      end_s real,
      text text NOT NULL,
      search_tsv tsvector NOT NULL,
      embedding vector,
      embedding_model text,
      PRIMARY KEY (upload_id, ordinal)
    )`.execute(db);
  await sql`ALTER TABLE upload_chunks ALTER COLUMN embedding SET STORAGE MAIN`.execute(db);
  await sql`CREATE INDEX upload_chunks_search_tsv ON upload_chunks USING gin (search_tsv)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE upload_chunks`.execute(db);
}
