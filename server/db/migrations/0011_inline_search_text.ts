import { sql, type Kysely } from 'kysely';

/**
 * Keeps what search reads for every candidate inside the row: the full-text vector, and the
 * summary and tags a result shows. With the embedding inline (0002) a completed row is always over
 * Postgres's ~2 KB toast threshold, so Postgres moved every other value longer than ~18 bytes
 * (EXTENDED, the default) to the TOAST table: the text ranker fetched each match's `search_tsv`
 * through the TOAST index, ~8 buffers a match instead of one (EXPLAIN at 100 000 items: 14 076 buffers
 * for 1 563 matches; 1 572 with this), which is most of the text side of a search. MAIN compresses
 * these values in the row and moves them out only when the row would not fit in a page otherwise;
 * long values no search reads for every candidate (extracted text, metadata) stay EXTENDED.
 * Applies to rows written from now on (a file is written again when it completes or is analysed
 * again): rewriting a whole library here would also rebuild its HNSW index, minutes of start-up
 * for a large one.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads
    ALTER COLUMN search_tsv SET STORAGE MAIN,
    ALTER COLUMN summary SET STORAGE MAIN,
    ALTER COLUMN tags SET STORAGE MAIN,
    ALTER COLUMN user_tags SET STORAGE MAIN`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads
    ALTER COLUMN search_tsv SET STORAGE EXTENDED,
    ALTER COLUMN summary SET STORAGE EXTENDED,
    ALTER COLUMN tags SET STORAGE EXTENDED,
    ALTER COLUMN user_tags SET STORAGE EXTENDED`.execute(db);
}
