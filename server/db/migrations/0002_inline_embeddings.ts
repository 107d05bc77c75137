import { sql, type Kysely } from 'kysely';

/**
 * Keeps embeddings inside their row instead of the TOAST table. A 512-d vector (2 056 bytes) is
 * just over the size at which Postgres moves a value out of line (~2 KB, and pgvector's type says
 * EXTERNAL), so every exact scan (the plan chosen for small libraries, or for a user with few files
 * in a shared table) fetched each vector from the TOAST table: ~300 ms instead of ~30 ms at 10 000
 * files. The planner does not cost that fetch, so it also kept preferring the scan to the HNSW index
 * up to ~20 000 files (bench/search.ts). MAIN still moves a value out of line when the row would not
 * fit in a page otherwise. Applies to rows written from now on.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads ALTER COLUMN embedding SET STORAGE MAIN`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads ALTER COLUMN embedding SET STORAGE DEFAULT`.execute(db);
}
