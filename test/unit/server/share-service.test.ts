/**
 * ShareService on PGlite with its own clock: the exact expiry instant, a suspended owner's links
 * (they open nothing), a purged upload or a deleted collection taking its links with it, and the
 * token kept only as its hash. The HTTP behaviour is in test/api/share-links.test.ts.
 */
import { createHash, randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertCollection } from '../../../server/db/collections-repo.ts';
import { pruneEndedShares } from '../../../server/db/shares-repo.ts';
import { openDatabase, type Database } from '../../../server/db/database.ts';
import { migrateToLatest } from '../../../server/db/migrate.ts';
import { insertUpload } from '../../../server/db/uploads-repo.ts';
import { ensureUser } from '../../../server/db/users-repo.ts';
import { FileLinks } from '../../../server/services/file-links.ts';
import { sharingPolicy } from '../../../server/services/share-policy.ts';
import { ShareService } from '../../../server/services/share-service.ts';
import { HmacUrlSigner } from '../../../server/storage/url-signer.ts';

let dir: string;
let database: Database;
let owner: string;
let now = new Date('2026-06-01T12:00:00Z');
let service: ShareService;

async function addFile(name: string): Promise<string> {
  const id = randomUUID();
  await insertUpload(database.db, {
    id, userId: owner, storageUri: `${owner}/${id}/original.txt`, filename: name, fileType: 'document', size: 10, mimeType: 'text/plain',
    hash: randomUUID().replace(/-/g, ''), userMetadata: {}, jobId: randomUUID(),
  });
  return id;
}

/** Refused with this stable code. */
const refused = (p: Promise<unknown>, code: string) => expect(p).rejects.toMatchObject({ name: 'TroveError', code });

const tokenOf = (url: string) => url.slice(url.lastIndexOf('/') + 1);

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-shares-'));
  database = await openDatabase({ dataDir: dir });
  await migrateToLatest(database.db);
  owner = (await ensureUser(database.db, 'local:owner')).id;
  service = new ShareService({
    db: database.db, links: new FileLinks(new HmacUrlSigner(Buffer.alloc(32, 7))), now: () => now,
    policy: sharingPolicy({ mode: 'cloud', host: '0.0.0.0', port: () => 8080, publicUrl: 'https://trove.example.com', addresses: () => [] }),
  });
}, 120_000);

afterAll(async () => {
  await database?.close();
  await fs.rm(dir, { recursive: true, force: true });
});

describe('ShareService', () => {
  it('keeps only the token\'s hash, and a link ends exactly at its expiry', async () => {
    const file = await addFile('plan.txt');
    const created = await service.create(owner, { target: { upload_id: file }, expires_in_s: 60 }, 'https://ignored');
    expect(created.url).toMatch(/^https:\/\/trove\.example\.com\/s\/[A-Za-z0-9_-]{43}$/);
    const token = tokenOf(created.url);
    const row = await database.db.selectFrom('shares').selectAll().where('id', '=', created.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);

    const start = now;
    now = new Date(start.getTime() + 59_999);
    expect((await service.view(token)).files.map((f) => f.filename)).toEqual(['plan.txt']);
    now = new Date(start.getTime() + 60_000);
    await refused(service.view(token), 'SHARE_EXPIRED');
    now = start;
  });

  it('opens nothing while its owner\'s account is suspended, and again once restored', async () => {
    const file = await addFile('minutes.txt');
    const token = tokenOf((await service.create(owner, { target: { upload_id: file } }, 'x')).url);
    await database.db.updateTable('users').set({ suspended: true }).where('id', '=', owner).execute();
    await refused(service.view(token), 'SHARE_REVOKED');
    await refused(service.link(token, file, 'download'), 'SHARE_REVOKED');
    await database.db.updateTable('users').set({ suspended: false }).where('id', '=', owner).execute();
    await expect(service.link(token, file, 'download')).resolves.toMatch(/^\/api\/v1\/blob\?/);
  });

  it('goes with a purged upload or a deleted collection', async () => {
    const file = await addFile('receipt.txt');
    const fileToken = tokenOf((await service.create(owner, { target: { upload_id: file } }, 'x')).url);
    const collection = randomUUID();
    await insertCollection(database.db, { id: collection, userId: owner, name: 'Paperwork', parentId: null });
    const collectionToken = tokenOf((await service.create(owner, { target: { collection_id: collection } }, 'x')).url);
    expect((await service.view(collectionToken)).files).toEqual([]);

    await database.db.deleteFrom('uploads').where('id', '=', file).execute();
    await database.db.deleteFrom('collections').where('id', '=', collection).execute();
    await refused(service.view(fileToken), 'NOT_FOUND');
    await refused(service.view(collectionToken), 'NOT_FOUND');
    expect((await service.list(owner, 'x')).shares.map((s) => s.target.name)).not.toContain('receipt.txt');
  });
});

describe('pruneEndedShares (the purge sweep)', () => {
  it('removes links that ended before the cut-off, keeps the others', async () => {
    const file = await addFile('old.txt');
    const ended = await service.create(owner, { target: { upload_id: file }, expires_in_s: 60 }, 'x');
    const revoked = await service.create(owner, { target: { upload_id: file } }, 'x');
    await service.revoke(owner, revoked.id);
    const active = await service.create(owner, { target: { upload_id: file } }, 'x');
    const ids = async () => (await database.db.selectFrom('shares').select('id').where('upload_id', '=', file).execute()).map((r) => r.id).sort();
    // A cut-off before either ended: nothing goes.
    expect(await pruneEndedShares(database.db, now)).toBe(0);
    expect(await ids()).toEqual([ended.id, revoked.id, active.id].sort());
    // A cut-off past both ends: the expired and the revoked go, the week-long link stays.
    expect(await pruneEndedShares(database.db, new Date(now.getTime() + 120_000))).toBeGreaterThanOrEqual(2);
    expect(await ids()).toEqual([active.id]);
    await refused(service.view(tokenOf(ended.url)), 'NOT_FOUND');
  });
});
