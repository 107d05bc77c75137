/**
 * The bench's baseline (`facetsAndReasons: false`, bench/search.ts) is the same search without its
 * extras: the same results in the same order, no counts, no snippets, no matched tags — so the
 * ratio it reports prices the counts and the reasons, nothing else (real PGlite with pgvector).
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest } from '../../../server/db/migrate.ts';
import { filteredSearch, rankedSearch } from '../../../server/db/search-repo.ts';
import { toVectorLiteral } from '../../../server/db/uploads-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';

let dir: string;
let database: Database;
let userId: string;
const SPACE = { model: 'test-4', dimensions: 4 };

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-baseline-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  await ensureVectorIndex(database.db, SPACE.model, SPACE.dimensions);
  userId = (await ensureUser(database.db, 'local:owner')).id;
  const summaries = ['A harbour with fishing boats at dawn.', 'Boats racing on the lake.', 'A cake with candles.', 'Sailing boats in the harbour at night.', 'A dog in the snow.'];
  for (const [i, summary] of summaries.entries()) {
    const id = randomUUID();
    const v = [1, i / 5, (i % 2) / 3, 0.1];
    const n = Math.hypot(...v);
    await database.db.insertInto('uploads').values({
      id, user_id: userId, storage_uri: `${userId}/${id}/original.jpg`, original_filename: `photo-${i}.jpg`, file_type: 'image', file_size: 100 + i,
      mime_type: 'image/jpeg', file_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), metadata: '{}', user_metadata: '{}', tags: ['boat', 'water'],
      processing_status: 'completed', summary, embedding: toVectorLiteral(v.map((x) => x / n)), embedding_model: SPACE.model,
    }).execute();
    await sql`UPDATE uploads SET search_tsv = to_tsvector('english', summary || ' ' || array_to_string(tags, ' ')) WHERE id = ${id}`.execute(database.db);
  }
});

afterAll(async () => {
  await database?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

it('facetsAndReasons: false ranks the same page the same way, without counts or reasons', async () => {
  const q = { userId, text: 'boats harbour', spaces: [{ ...SPACE, vector: [1, 0.2, 0, 0.1] }], limit: 3, offset: 1, candidates: 100 };
  const full = await rankedSearch(database.db, q);
  const bare = await rankedSearch(database.db, { ...q, facetsAndReasons: false });
  expect(full.hits.length).toBe(3);
  expect(bare.hits.map((h) => [h.id, h.fused, h.by_text])).toEqual(full.hits.map((h) => [h.id, h.fused, h.by_text]));
  expect(full.total).toBe(5);
  expect(full.facets.file_type).toEqual({ image: 5 });
  expect(full.hits.some((h) => h.summary_headline?.includes('«'))).toBe(true);
  expect(bare.facets).toMatchObject({ file_type: {}, year: {}, month: {}, camera: {} });
  expect(bare.total).toBe(4); // the offset and this page: all the bare statement sees
  for (const h of bare.hits) expect([h.summary_headline, h.text_headline, h.matched]).toEqual([null, null, null]);

  // Without folder and collection counts (a user with neither): the same page and the same other counts.
  const noPlaces = await rankedSearch(database.db, { ...q, placeFacets: false });
  expect(noPlaces.hits.map((h) => h.id)).toEqual(full.hits.map((h) => h.id));
  expect(noPlaces.facets).toEqual({ ...full.facets, folder: {}, collection: {} });
  expect(noPlaces.total).toBe(5);

  const listed = await filteredSearch(database.db, { userId, limit: 2, facetsAndReasons: false });
  expect(listed.hits.map((h) => h.id)).toEqual((await filteredSearch(database.db, { userId, limit: 2 })).hits.map((h) => h.id));
  expect(listed.facets.file_type).toEqual({});
});
