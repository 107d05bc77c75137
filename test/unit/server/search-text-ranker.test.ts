/**
 * The full-text ranker's list (search-repo rankedSearch), on real PGlite: files with every word of
 * the query come first, then files with some of them; when the files with every word fill the
 * list on their own, the files with only some words are left out (and, since they could not get
 * in, never ranked). A file's parts (upload_chunks) count as its text.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { replaceChunks } from '../../../server/db/chunks-repo.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { migrateToLatest } from '../../../server/db/migrate.ts';
import { hybridSearch } from '../../../server/db/search-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';

let dir: string;
let database: Database;
let userId: string;

async function insert(name: string, text: string): Promise<string> {
  const id = randomUUID();
  await database.db.insertInto('uploads').values({
    id, user_id: userId, storage_uri: `${userId}/${id}/original.pdf`, original_filename: name, file_type: 'document',
    file_size: 10, mime_type: 'application/pdf', file_hash: randomUUID().replace(/-/g, '').padEnd(64, '0'), metadata: '{}', user_metadata: '{}',
    processing_status: 'completed', summary: 'A document.', extracted_text: text,
  }).execute();
  await sql`UPDATE uploads SET search_tsv = to_tsvector('english', ${text}) WHERE id = ${id}`.execute(database.db);
  return id;
}

const every: string[] = [];
let some: string;
let byPage: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-text-ranker-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  userId = (await ensureUser(database.db, 'local:owner')).id;
  every.push(await insert('a.pdf', 'A red kite over the hill, the red kite again.'));
  every.push(await insert('b.pdf', 'Notes on a red kite.'));
  every.push(await insert('c.pdf', 'The kite was red.'));
  some = await insert('d.pdf', 'A red door.');
  // Its own text has neither word; one of its pages has both.
  byPage = await insert('e.pdf', 'Chapter one.');
  await replaceChunks(database.db, byPage, [
    { kind: 'page', page: 1, text: 'Chapter one.', embedding: null },
    { kind: 'page', page: 2, text: 'A red kite nests here.', embedding: null },
  ], 'test-4');
  await insert('f.pdf', 'Nothing of the sort.');
});

afterAll(async () => {
  await database?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

const search = (candidates: number) => hybridSearch(database.db, { userId, text: 'red kite', spaces: [], limit: 20, candidates });

describe('the full-text ranker', () => {
  it('lists the files with every word (by their own text or a page) first, then those with some of them', async () => {
    const hits = await search(100);
    expect(hits.every((h) => h.by_text)).toBe(true);
    const ids = hits.map((h) => h.id);
    expect(new Set(ids.slice(0, 4))).toEqual(new Set([...every, byPage]));
    expect(ids.slice(4)).toEqual([some]);
  });

  it('leaves out the files with some words when the files with every word fill the list', async () => {
    const full = await search(4);
    expect(new Set(full.map((h) => h.id))).toEqual(new Set([...every, byPage]));
    const fewer = await search(2);
    expect(fewer).toHaveLength(2);
    for (const h of fewer) expect([...every, byPage]).toContain(h.id);
    // The two best of the four by rank: the ranker's order does not depend on which pass found them.
    const ranked = (await search(100)).slice(0, 2).map((h) => h.id);
    expect(fewer.map((h) => h.id)).toEqual(ranked);
  });

  it('takes the files with some words once one place is left', async () => {
    const hits = await search(5);
    expect(hits.map((h) => h.id)).toContain(some);
    expect(hits).toHaveLength(5);
  });
});
