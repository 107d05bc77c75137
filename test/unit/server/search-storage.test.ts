/**
 * How the search's data is laid out, on real PGlite with pgvector: what the text ranker reads for
 * every candidate stays in the row (migration 0011), and the vector index is built with the
 * parameters ensureVectorIndex names, over rows already loaded.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { ensureVectorIndex, HNSW_BUILD, migrateToLatest, vectorIndexName } from '../../../server/db/migrate.ts';
import { toVectorLiteral } from '../../../server/db/uploads-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';

let dir: string;
let database: Database;
let userId: string;
const MODEL = 'test-512';

/** A completed file as search sees it: a 512-d vector (over the ~2 KB toast threshold on its own), a summary, tags, words. */
async function insert(i: number): Promise<void> {
  const id = randomUUID();
  const vector = Array.from({ length: 512 }, (_, j) => Math.sin(i * 7 + j));
  const summary = `A long summary of file ${i}: a red kite over the hill at dawn, two people walking a dog along the ridge, fog in the valley below.`;
  await database.db.insertInto('uploads').values({
    id, user_id: userId, storage_uri: `${userId}/${id}/original.jpg`, original_filename: `IMG_${i}.jpg`, file_type: 'image',
    file_size: 10, mime_type: 'image/jpeg', file_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), metadata: '{}', user_metadata: '{}',
    processing_status: 'completed', summary, tags: ['kite', 'hill', 'dog', 'person', 'fog', 'valley'], user_tags: ['holiday', 'walks'],
    embedding: toVectorLiteral(vector), embedding_model: MODEL,
  }).execute();
  await sql`UPDATE uploads SET search_tsv = to_tsvector('english', summary) WHERE id = ${id}`.execute(database.db);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-search-storage-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  userId = (await ensureUser(database.db, 'local:owner')).id;
  for (let i = 0; i < 40; i++) await insert(i);
});

afterAll(async () => {
  await database?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('search data layout', () => {
  it('keeps the full-text vector, summary and tags in the row beside the embedding, not in the TOAST table', async () => {
    // pg_column_toast_chunk_id (PostgreSQL 17+, PGlite's 18) is not null for a value stored out of line.
    const outOfLine = async () => (await sql<{ n: number; rows: number }>`
      SELECT count(*) FILTER (WHERE pg_column_toast_chunk_id(search_tsv) IS NOT NULL OR pg_column_toast_chunk_id(summary) IS NOT NULL
        OR pg_column_toast_chunk_id(tags) IS NOT NULL OR pg_column_toast_chunk_id(user_tags) IS NOT NULL)::int AS n,
        count(search_tsv)::int AS rows
      FROM uploads`.execute(database.db)).rows[0];
    expect(await outOfLine()).toEqual({ n: 0, rows: 40 });
    // Before 0011 the same rows put those values in the TOAST table: shown by undoing it.
    await sql`ALTER TABLE uploads ALTER COLUMN search_tsv SET STORAGE EXTENDED, ALTER COLUMN summary SET STORAGE EXTENDED`.execute(database.db);
    await sql`UPDATE uploads SET summary = summary || ' ', search_tsv = search_tsv || ''::tsvector`.execute(database.db);
    expect(await outOfLine()).toEqual({ n: 40, rows: 40 });
    await sql`ALTER TABLE uploads ALTER COLUMN search_tsv SET STORAGE MAIN, ALTER COLUMN summary SET STORAGE MAIN`.execute(database.db);
  });

  it('builds the vector index over rows already loaded, with the tuned HNSW parameters', async () => {
    await ensureVectorIndex(database.db, MODEL, 512);
    const { rows } = await sql<{ options: string[] }>`SELECT reloptions AS options FROM pg_class WHERE relname = ${vectorIndexName(MODEL)}`.execute(database.db);
    expect(rows[0]!.options).toEqual([`m=${HNSW_BUILD.m}`, `ef_construction=${HNSW_BUILD.efConstruction}`]);
    // Idempotent: a second start finds it.
    await ensureVectorIndex(database.db, MODEL, 512);
  });
});
