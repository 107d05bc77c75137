/**
 * The embedded database's memory settings (server/db/database.ts EMBEDDED_SETTINGS) on real PGlite:
 * applied at every open, over what initdb wrote into the data dir's postgresql.conf (128 MB), and
 * added to PGlite's own start parameters rather than replacing them.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMBEDDED_SETTINGS, openDatabase, type Database } from '../../../server/db/database.ts';

let dir: string;

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-db-settings-'));
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

async function show(database: Database, name: 'shared_buffers' | 'search_path' | 'max_parallel_workers'): Promise<string> {
  const { rows } = await sql<Record<string, string>>`SELECT current_setting(${name}) AS value`.execute(database.db);
  return rows[0]!.value!;
}

describe('embedded database settings', () => {
  it('opens with a 16 MB buffer pool, on a new and on an existing data dir, keeping PGlite\'s own parameters', async () => {
    expect(EMBEDDED_SETTINGS.shared_buffers).toBe('16MB');
    const fresh = await openDatabase({ dataDir: dir });
    try {
      expect(await show(fresh, 'shared_buffers')).toBe('16MB');
      // PGlite's defaults are still there (-c search_path=public, no parallel workers).
      expect(await show(fresh, 'search_path')).toBe('public');
      expect(await show(fresh, 'max_parallel_workers')).toBe('0');
    } finally {
      await fresh.close();
    }
    // initdb wrote PostgreSQL's default into the data dir; the start parameter wins over it.
    expect(await fs.readFile(path.join(dir, 'db', 'postgresql.conf'), 'utf8')).toMatch(/^shared_buffers = 128MB/m);
    const reopened = await openDatabase({ dataDir: dir });
    try {
      expect(await show(reopened, 'shared_buffers')).toBe('16MB');
    } finally {
      await reopened.close();
    }
    // Nothing is kept in the data dir: other settings apply at the next open.
    const other = await openDatabase({ dataDir: dir, embeddedSettings: { shared_buffers: '32MB' } });
    try {
      expect(await show(other, 'shared_buffers')).toBe('32MB');
    } finally {
      await other.close();
    }
  }, 120_000);
});
