/**
 * RecentlyDeleted on a real PGlite database, with a clock of its own: a batch delete is one
 * transaction (a failure part-way leaves every file as it was), a restore past `purge_after` is
 * RESTORE_EXPIRED even before the sweep removed the row, a purged file's tombstone answers its owner
 * RESTORE_EXPIRED and everyone else NOT_FOUND, and pruned tombstones are plain NOT_FOUND again.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TroveError } from '../../../shared/api/errors.ts';
import { isBatchEvent, type UploadEvent } from '../../../shared/api/schemas.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import * as deleted from '../../../server/db/deleted-repo.ts';
import * as jobs from '../../../server/db/jobs-repo.ts';
import { migrateToLatest } from '../../../server/db/migrate.ts';
import { insertUpload } from '../../../server/db/uploads-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';
import { LocalEventBus } from '../../../server/events/event-bus.ts';
import type { JobQueue } from '../../../server/queue/job-queue.ts';
import { RecentlyDeleted } from '../../../server/services/recently-deleted.ts';

let dir: string;
let database: Database;
let owner: string;
let other: string;
let now = new Date('2026-06-01T12:00:00Z');
const events: UploadEvent[] = [];
/** Only completed files are restored here, so nothing may be queued. */
const noQueue = { enqueue: () => Promise.reject(new Error('nothing should be queued')) } as unknown as JobQueue;
let service: RecentlyDeleted;

async function addFile(userId: string, name: string): Promise<string> {
  const id = randomUUID();
  await insertUpload(database.db, {
    id, userId, storageUri: `${userId}/${id}/original.txt`, filename: name, fileType: 'document', size: 10, mimeType: 'text/plain',
    hash: randomUUID().replace(/-/g, ''), userMetadata: {}, jobId: randomUUID(),
  });
  await database.db.updateTable('uploads').set({ processing_status: 'completed' }).where('id', '=', id).execute();
  return id;
}

const live = async (ids: string[]) =>
  (await database.db.selectFrom('uploads').select('id').where('id', 'in', ids).where('deleted_at', 'is', null).execute()).map((r) => r.id).sort();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    return err instanceof TroveError ? err.code : String(err);
  }
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-deleted-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  owner = (await ensureUser(database.db, 'local:owner')).id;
  other = (await ensureUser(database.db, 'local:other')).id;
  const bus = new LocalEventBus();
  bus.subscribe(owner, (e) => {
    if (!isBatchEvent(e)) events.push(e);
  });
  service = new RecentlyDeleted({ db: database.db, queue: noQueue, events: bus, retentionDays: 30, now: () => now });
});

afterAll(async () => {
  await database?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('RecentlyDeleted', () => {
  it('deletes a batch in one transaction: a failure part-way leaves every file live', async () => {
    const ids = [await addFile(owner, 'a.txt'), await addFile(owner, 'b.txt'), await addFile(owner, 'c.txt')];
    // b has a queued job, and cancelling it fails (as a crash between the two statements would).
    await jobs.insertJob(database.db, { id: randomUUID(), uploadId: ids[1]!, userId: owner, kind: 'process', queueJobId: randomUUID() });
    await sql`CREATE FUNCTION refuse_cancel() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'power cut'; END $$ LANGUAGE plpgsql`.execute(database.db);
    await sql`CREATE TRIGGER refuse_cancel BEFORE UPDATE ON processing_jobs FOR EACH ROW EXECUTE FUNCTION refuse_cancel()`.execute(database.db);
    await expect(service.removeMany(owner, ids)).rejects.toThrow(/power cut/);
    expect(await live(ids)).toEqual([...ids].sort());
    expect(events).toEqual([]);

    await sql`DROP TRIGGER refuse_cancel ON processing_jobs`.execute(database.db);
    const done = await service.removeMany(owner, ids);
    expect([...done].sort()).toEqual([...ids].sort());
    expect(await live(ids)).toEqual([]);
    expect(events.map((e) => [e.upload_id, e.deleted]).sort()).toEqual(ids.map((id) => [id, true]).sort());
  });

  it('lists deleted files until purge_after and restores within it; past it RESTORE_EXPIRED, though the row is still there', async () => {
    const id = await addFile(owner, 'late.txt');
    await service.removeMany(owner, [id]);
    expect((await service.list(owner, { limit: 100, offset: 0 })).rows.map((r) => r.id)).toContain(id);

    now = new Date(now.getTime() + 31 * 86_400_000);
    expect((await service.list(owner, { limit: 100, offset: 0 })).rows.map((r) => r.id)).not.toContain(id);
    expect(await codeOf(service.restore(owner, id))).toBe('RESTORE_EXPIRED');
    expect(await live([id])).toEqual([]);

    const fresh = await addFile(owner, 'fresh.txt');
    await service.removeMany(owner, [fresh]);
    now = new Date(now.getTime() + 29 * 86_400_000);
    expect(await service.restore(owner, fresh)).toEqual({ restored: true, status: 'completed', jobId: expect.any(String) });
    expect(await live([fresh])).toEqual([fresh]);
    expect(events.at(-1)).toMatchObject({ upload_id: fresh, restored: true, status: 'completed' });
  });

  it('after a purge its owner hears RESTORE_EXPIRED and others NOT_FOUND, until the tombstone is pruned', async () => {
    const id = await addFile(owner, 'purged.txt');
    await service.removeMany(owner, [id]);
    await deleted.hardDeleteLeavingTombstone(database.db, id, owner);
    expect(await codeOf(service.restore(owner, id))).toBe('RESTORE_EXPIRED');
    expect(await codeOf(service.restore(other, id))).toBe('NOT_FOUND');
    await deleted.pruneTombstones(database.db, new Date(Date.now() + 1000));
    expect(await codeOf(service.restore(owner, id))).toBe('NOT_FOUND');
  });

  it('never touches another user\'s file', async () => {
    const theirs = await addFile(other, 'theirs.txt');
    expect([...(await service.removeMany(owner, [theirs]))]).toEqual([]);
    expect(await live([theirs])).toEqual([theirs]);
    expect(await codeOf(service.restore(owner, theirs))).toBe('NOT_FOUND');
  });
});
