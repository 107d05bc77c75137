/**
 * Files kept on this device carry the offline model's vectors beside the cloud model's: search
 * ranks each vector space on its own and fuses the ranks (real PGlite with pgvector).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest } from '../../../server/db/migrate.ts';
import { hybridSearch, vectorSpacesOf } from '../../../server/db/search-repo.ts';
import { toVectorLiteral } from '../../../server/db/uploads-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';

let dir: string;
let database: Database;
let userId: string;
const CLOUD = { model: 'cloud-8', dimensions: 8 };
const LOCAL = { model: 'local-4', dimensions: 4 };
const unit = (v: number[]) => { const n = Math.hypot(...v); return v.map((x) => x / n); };

async function insert(name: string, model: string, vector: number[]): Promise<string> {
  const id = randomUUID();
  await database.db.insertInto('uploads').values({
    id, user_id: userId, storage_uri: `${userId}/${id}/original.png`, original_filename: name, file_type: 'image',
    file_size: 10, mime_type: 'image/png', file_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), metadata: '{}', user_metadata: '{}',
    processing_status: 'completed', summary: 'A picture.', embedding: toVectorLiteral(unit(vector)), embedding_model: model,
  }).execute();
  await sql`UPDATE uploads SET search_tsv = to_tsvector('english', replace(original_filename, '.', ' ')) WHERE id = ${id}`.execute(database.db);
  return id;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-spaces-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  for (const s of [CLOUD, LOCAL]) await ensureVectorIndex(database.db, s.model, s.dimensions);
  userId = (await ensureUser(database.db, 'local:owner')).id;
});

afterAll(async () => {
  await database?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('search across vector spaces', () => {
  it('finds by meaning in each space the user\'s files use, and only there', async () => {
    const cloudFile = await insert('alpha.png', CLOUD.model, [1, 0, 0, 0, 0, 0, 0, 0]);
    const localFile = await insert('beta.png', LOCAL.model, [0, 1, 0, 0]);
    expect(await vectorSpacesOf(database.db, userId, [CLOUD.model, LOCAL.model, 'unused-model'])).toEqual([CLOUD.model, LOCAL.model]);

    // No word matches: only the vectors can find these files.
    const q = { userId, text: 'nothing-matches-this-word', limit: 10, candidates: 100 };
    const both = await hybridSearch(database.db, {
      ...q, spaces: [{ ...CLOUD, vector: unit([1, 0.1, 0, 0, 0, 0, 0, 0]) }, { ...LOCAL, vector: unit([0.1, 1, 0, 0]) }],
    });
    expect(both.map((h) => h.id).sort()).toEqual([cloudFile, localFile].sort());
    for (const h of both) expect(h.similarity).toBeGreaterThan(0.9);

    const cloudOnly = await hybridSearch(database.db, { ...q, spaces: [{ ...CLOUD, vector: unit([1, 0.1, 0, 0, 0, 0, 0, 0]) }] });
    expect(cloudOnly.map((h) => h.id)).toEqual([cloudFile]);
  });

  it('still answers word matches with no vector space at all', async () => {
    const hits = await hybridSearch(database.db, { userId, text: 'beta', limit: 10, candidates: 100, spaces: [] });
    expect(hits.map((h) => h.original_filename)).toEqual(['beta.png']);
  });
});
