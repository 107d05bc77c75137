/**
 * A file's parts (upload_chunks, migration 0010) in search, on real PGlite with pgvector: a page's
 * words find a document whose own text does not hold them; a page nearest in meaning finds it too,
 * behind the files found by their own vector; and the best part of each hit is its moment.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bestMoments, replaceChunks } from '../../../server/db/chunks-repo.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest } from '../../../server/db/migrate.ts';
import { hybridSearch } from '../../../server/db/search-repo.ts';
import { toVectorLiteral } from '../../../server/db/uploads-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';

let dir: string;
let database: Database;
let userId: string;
const SPACE = { model: 'test-4', dimensions: 4 };
const unit = (v: number[]) => { const n = Math.hypot(...v); return v.map((x) => x / n); };

async function insert(name: string, vector: number[], text: string): Promise<string> {
  const id = randomUUID();
  await database.db.insertInto('uploads').values({
    id, user_id: userId, storage_uri: `${userId}/${id}/original.pdf`, original_filename: name, file_type: 'document',
    file_size: 10, mime_type: 'application/pdf', file_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), metadata: '{}', user_metadata: '{}',
    processing_status: 'completed', summary: 'A document.', extracted_text: text, embedding: toVectorLiteral(unit(vector)), embedding_model: SPACE.model,
  }).execute();
  await sql`UPDATE uploads SET search_tsv = to_tsvector('english', ${text}) WHERE id = ${id}`.execute(database.db);
  return id;
}

let near: string;
let manual: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-chunks-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  await ensureVectorIndex(database.db, SPACE.model, SPACE.dimensions);
  userId = (await ensureUser(database.db, 'local:owner')).id;
  near = await insert('near.pdf', [1, 0.2, 0, 0], 'Opening words of a short note.');
  // The manual's own vector and text are far from the query; one of its pages is not.
  manual = await insert('manual.pdf', [0, 0, 1, 0], 'Chapter one: how to install the pump.');
  await replaceChunks(database.db, manual, [
    { kind: 'page', page: 1, text: 'Chapter one: how to install the pump.', embedding: unit([0, 0, 1, 0]) },
    { kind: 'page', page: 2, text: 'Chapter two: cleaning the filter.', embedding: unit([0, 1, 0, 0]) },
    { kind: 'page', page: 3, text: 'Chapter three: the wombat valve and its seals.', embedding: unit([1, 0, 0, 0.05]) },
  ], SPACE.model);
});

afterAll(async () => {
  await database?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('search by a file\'s parts', () => {
  it('finds a document by words only one of its pages holds', async () => {
    const hits = await hybridSearch(database.db, { userId, text: 'wombat valve', spaces: [], limit: 10, candidates: 100 });
    expect(hits.map((h) => h.id)).toEqual([manual]);
    expect(hits[0]!.by_text).toBe(true);
  });

  it('finds a document by the page nearest in meaning, behind the files found by their own vector', async () => {
    const query = { userId, text: 'nothing-matches-this-word', limit: 10, candidates: 1, minScore: 0.5, spaces: [{ ...SPACE, vector: unit([1, 0.1, 0, 0]) }] };
    const hits = await hybridSearch(database.db, query);
    expect(hits.map((h) => h.id)).toEqual([near, manual]);
    // Its similarity is its page's, not its own vector's (which is ~0 and below the cut-off).
    expect(hits[1]!.similarity).toBeGreaterThan(0.9);
    expect(hits[1]!.by_vector).toBe(true);
  });

  it('picks the page with the words as the moment, else the page nearest in meaning', async () => {
    const space = { ...SPACE, vector: unit([0, 1, 0, 0]) };
    const byWords = await bestMoments(database.db, [manual, near], 'wombat', [space]);
    expect(byWords.get(manual)).toMatchObject({ page: 3, by_text: true, start_s: null });
    expect(byWords.get(manual)!.text).toContain('«wombat»');
    // near.pdf has no parts: no moment.
    expect(byWords.has(near)).toBe(false);
    const byMeaning = await bestMoments(database.db, [manual], 'nothing-matches-this-word', [space]);
    expect(byMeaning.get(manual)).toMatchObject({ page: 2, by_text: false });
  });

  it('a new analysis replaces the parts whole; deleting the upload removes them', async () => {
    await replaceChunks(database.db, manual, [{ kind: 'transcript', start_s: 12.5, end_s: 15, text: 'wombat seen at dusk', embedding: null }], SPACE.model);
    const moment = (await bestMoments(database.db, [manual], 'wombat', [])).get(manual);
    expect(moment).toMatchObject({ page: null, start_s: 12.5, end_s: 15 });
    await sql`DELETE FROM uploads WHERE id = ${manual}`.execute(database.db);
    const { rows } = await sql<{ n: number }>`SELECT count(*)::int AS n FROM upload_chunks`.execute(database.db);
    expect(rows[0]!.n).toBe(0);
  });
});
