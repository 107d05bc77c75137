/**
 * Acting in bulk and undoing deletes, over real HTTP in both modes: POST /uploads/batch (delete,
 * restore, retry; per-user checks on every id), POST /upload/{id}/restore (back in search at once,
 * bytes and thumbnail intact; purged → RESTORE_EXPIRED; the same bytes live again → RESTORE_CONFLICT),
 * GET /uploads?deleted=true, and the live events other windows follow.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_BATCH_IDS, type BatchResult, type Restored, type SearchResponse, type UploadList } from '../../shared/api/schemas.ts';
import { accept, call, followLink, metadata, openEvents, postJson, type EventStream } from '../helpers/http.ts';
import { jpegWithExif, mp4, truncated } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let events: EventStream;
/** The owner's files, each findable by its one odd word. */
const words = ['quokka', 'narwhal', 'axolotl', 'pangolin'] as const;
const ids: Record<(typeof words)[number], string> = {} as never;
const bytesOf: Record<string, Buffer> = {};
let foreignId: string;
let brokenId: string;
const UNKNOWN = '0b8e2a3c-1111-4222-8333-944455556666';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const searchIds = async (query: string) =>
  (await postJson<SearchResponse>(s, '/api/v1/search', { query })).body.data.results.map((r) => r.upload_id);
const batch = (body: unknown, init: { token?: string; code?: string } = {}) => postJson<BatchResult>(s, '/api/v1/uploads/batch', body, init);
const restore = (id: string, init: { token?: string; code?: string } = {}) => call<Restored>(s, `/api/v1/upload/${id}/restore`, { method: 'POST', ...init });
const deletedList = async (token?: string) => (await call<UploadList>(s, '/api/v1/uploads?deleted=true&limit=100', { token })).body.data;
const liveIds = async (token?: string) => (await call<UploadList>(s, '/api/v1/uploads?limit=100', { token })).body.data.uploads.map((u) => u.id);

beforeAll(async () => {
  s = await startTestServer();
  events = await openEvents(s);
  for (const w of words) {
    const bytes = Buffer.from(`Field notes: a ${w} was seen near the old mill on Tuesday.\n`);
    ids[w] = (await accept(s, bytes, `${w}.txt`)).uploadId;
    bytesOf[ids[w]] = bytes;
  }
  foreignId = (await accept(s, Buffer.from('Field notes of the other user: a wombat.\n'), 'other.txt', { token: s.otherToken })).uploadId;
  const photo = await jpegWithExif({ make: 'Leica', model: 'M11', width: 900, height: 600, color: '#225588' });
  brokenId = (await accept(s, truncated(photo, 0.4), 'broken.jpg')).uploadId;
  await Promise.all([...Object.values(ids), brokenId].map((id) => s.waitForUpload(id)));
  await s.waitForUpload(foreignId, { token: s.otherToken });
});

afterAll(async () => {
  events?.close();
  await s?.close();
});

describe('POST /uploads/batch — delete', () => {
  it('deletes the owner\'s files; a foreign and an unknown id fail alone with NOT_FOUND and the other user\'s file stays', async () => {
    expect((await searchIds('quokka'))[0]).toBe(ids.quokka);
    const asked = [ids.quokka, foreignId, ids.narwhal, UNKNOWN, ids.quokka.toUpperCase()];
    const { status, body } = await batch({ action: 'delete', ids: asked });
    expect(status).toBe(200);
    expect(body.data.action).toBe('delete');
    // Repeats (in any case) count once; the order is the order asked.
    expect(body.data.results.map((r) => [r.id, r.ok, r.code])).toEqual([
      [ids.quokka, true, undefined], [foreignId, false, 'NOT_FOUND'], [ids.narwhal, true, undefined], [UNKNOWN, false, 'NOT_FOUND'],
    ]);
    expect(body.data).toMatchObject({ succeeded: 2, failed: 2 });
    // The answer for the foreign id is word for word the answer for an id that does not exist.
    const foreign = body.data.results[1]!;
    const unknown = body.data.results[3]!;
    expect({ ...foreign, id: '' }).toEqual({ ...unknown, id: '' });

    expect(await liveIds()).not.toContain(ids.quokka);
    expect(await liveIds()).not.toContain(ids.narwhal);
    expect(await searchIds('quokka')).not.toContain(ids.quokka);
    expect(await searchIds('narwhal')).not.toContain(ids.narwhal);
    expect((await metadata(s, foreignId, s.otherToken)).processing_status).toBe('completed');
    expect(await liveIds(s.otherToken)).toContain(foreignId);
    await events.waitFor((e) => e.upload_id === ids.quokka && e.deleted === true);
    await events.waitFor((e) => e.upload_id === ids.narwhal && e.deleted === true);
    expect(events.events.some((e) => e.upload_id === foreignId)).toBe(false);
  });

  it('a second delete of the same ids fails each with NOT_FOUND and changes nothing', async () => {
    const { body } = await batch({ action: 'delete', ids: [ids.quokka] });
    expect(body.data.results).toEqual([{ id: ids.quokka, ok: false, code: 'NOT_FOUND', message: expect.any(String) }]);
  });
});

describe('GET /uploads?deleted=true', () => {
  it('lists the recently deleted files, last deleted first, with when they go for good; other users see none of them', async () => {
    const list = await deletedList();
    expect(list.uploads.map((u) => u.id).sort()).toEqual([ids.quokka, ids.narwhal].sort());
    expect(list.total).toBe(2);
    for (const u of list.uploads) {
      expect(Date.parse(u.deleted_at!)).toBeLessThanOrEqual(Date.now());
      const days = (Date.parse(u.purge_after!) - Date.parse(u.deleted_at!)) / 86_400_000;
      expect(days).toBeGreaterThan(29.99);
      expect(days).toBeLessThan(30.01);
      expect(u.thumbnail_url).toMatch(s.linkPattern);
    }
    expect((await deletedList(s.otherToken)).uploads).toEqual([]);
    // The live listing carries no deletion fields.
    const live = (await call<UploadList>(s, '/api/v1/uploads?limit=100')).body.data.uploads;
    expect(live.every((u) => u.deleted_at === undefined && u.purge_after === undefined)).toBe(true);
  });
});

describe('POST /upload/{id}/restore', () => {
  it('brings a deleted file back: in the listing and search at once, with its bytes and thumbnail', async () => {
    const id = ids.quokka;
    const { status, body } = await restore(id);
    expect(status).toBe(200);
    expect(body.data).toMatchObject({ upload_id: id, restored: true, processing_status: 'completed' });
    // No re-processing: found by search straight away, with the summary it had.
    expect((await searchIds('quokka'))[0]).toBe(id);
    expect(await liveIds()).toContain(id);
    expect((await deletedList()).uploads.map((u) => u.id)).toEqual([ids.narwhal]);
    const u = await metadata(s, id);
    expect(u.processing_status).toBe('completed');
    expect(u.summary).toBeTruthy();
    const download = await followLink(s, await s.api(`/api/v1/file/${id}/download`));
    expect(download.status).toBe(200);
    expect(sha256(Buffer.from(await download.arrayBuffer()))).toBe(sha256(bytesOf[id]!));
    const thumb = await followLink(s, await s.api(`/api/v1/file/${id}/thumbnail`));
    expect(thumb.status).toBe(200);
    expect(thumb.headers.get('content-type')).toMatch(/^image\//);
    await events.waitFor((e) => e.upload_id === id && e.restored === true && e.status === 'completed');
  });

  it('is harmless a second time (restored: false), and another user gets NOT_FOUND', async () => {
    const again = await restore(ids.quokka);
    expect(again.body.data).toMatchObject({ upload_id: ids.quokka, restored: false, processing_status: 'completed' });
    expect((await restore(ids.narwhal, { token: s.otherToken, code: 'NOT_FOUND' })).status).toBe(404);
    expect((await restore(UNKNOWN, { code: 'NOT_FOUND' })).status).toBe(404);
    expect((await restore('not-a-uuid', { code: 'VALIDATION_ERROR' })).status).toBe(400);
    // The failed attempt left it deleted.
    expect((await deletedList()).uploads.map((u) => u.id)).toEqual([ids.narwhal]);
  });

  it('after a purge answers RESTORE_EXPIRED to the owner (and NOT_FOUND to anyone else)', async () => {
    const id = ids.axolotl;
    await call(s, `/api/v1/upload/${id}?purge=true`, { method: 'DELETE' });
    const { status, body } = await restore(id, { code: 'RESTORE_EXPIRED' });
    expect(status).toBe(410);
    expect(body.error!.message).toMatch(/removed for good/);
    expect((await restore(id, { token: s.otherToken, code: 'NOT_FOUND' })).status).toBe(404);
    expect(await searchIds('axolotl')).not.toContain(id);
    expect((await deletedList()).uploads.map((u) => u.id)).not.toContain(id);
  });

  it('refuses with RESTORE_CONFLICT while the same bytes are live again under another upload', async () => {
    const id = ids.pangolin;
    await call(s, `/api/v1/upload/${id}`, { method: 'DELETE' });
    const again = await accept(s, bytesOf[id]!, 'pangolin again.txt');
    await s.waitForUpload(again.uploadId);
    const { status, body } = await restore(id, { code: 'RESTORE_CONFLICT' });
    expect(status).toBe(409);
    expect(body.error!.message).toContain('pangolin again.txt');
    await call(s, `/api/v1/upload/${again.uploadId}`, { method: 'DELETE' });
    expect((await restore(id)).body.data.restored).toBe(true);
    const found = await searchIds('pangolin');
    expect(found[0]).toBe(id);
    expect(found).not.toContain(again.uploadId);
  });

  it('queues a file deleted before it finished processing again, and it completes', async () => {
    const { uploadId } = await accept(s, await mp4(2), 'clip.mp4');
    await batch({ action: 'delete', ids: [uploadId] });
    const atDelete = (await deletedList()).uploads.find((u) => u.id === uploadId)!;
    const { body } = await restore(uploadId);
    if (atDelete.processing_status === 'completed') {
      expect(body.data).toMatchObject({ restored: true, processing_status: 'completed' });
    } else {
      expect(body.data).toMatchObject({ restored: true, processing_status: 'pending' });
      expect(body.data.job_id).not.toBe(atDelete.job_id);
    }
    const done = await s.waitForUpload(uploadId);
    expect(done.processing_status).toBe('completed');
  });
});

describe('POST /uploads/batch — restore and retry', () => {
  it('restores several at once; each id answers for itself', async () => {
    await batch({ action: 'delete', ids: [ids.quokka] });
    const { body } = await batch({ action: 'restore', ids: [ids.quokka, ids.narwhal, foreignId, ids.axolotl] });
    expect(body.data.results.map((r) => [r.id, r.ok, r.code])).toEqual([
      [ids.quokka, true, undefined], [ids.narwhal, true, undefined], [foreignId, false, 'NOT_FOUND'], [ids.axolotl, false, 'RESTORE_EXPIRED'],
    ]);
    expect((await searchIds('narwhal'))[0]).toBe(ids.narwhal);
    // Left: the second copy of the pangolin notes, deleted to let the first come back.
    expect((await deletedList()).uploads.map((u) => u.filename)).toEqual(['pangolin again.txt']);
  });

  it('re-queues the failed files among the ids; others say why not', async () => {
    const before = await metadata(s, brokenId);
    expect(before.processing_status).toBe('failed');
    const { body } = await batch({ action: 'retry', ids: [brokenId, ids.quokka, foreignId] });
    expect(body.data.results.map((r) => [r.id, r.ok, r.code])).toEqual([
      [brokenId, true, undefined], [ids.quokka, false, 'VALIDATION_ERROR'], [foreignId, false, 'NOT_FOUND'],
    ]);
    await events.waitFor((e) => e.upload_id === brokenId && e.status === 'pending' && e.job_id !== before.job_id);
    const after = await s.waitForUpload(brokenId);
    expect(after.job_id).not.toBe(before.job_id);
    expect(after).toMatchObject({ processing_status: 'failed', processing_error: { code: 'CORRUPT_FILE' } });
  });

  it(`refuses more than ${MAX_BATCH_IDS} ids with BATCH_TOO_LARGE, and malformed bodies with VALIDATION_ERROR`, async () => {
    const many = Array.from({ length: MAX_BATCH_IDS + 1 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    const big = await batch({ action: 'delete', ids: many }, { code: 'BATCH_TOO_LARGE' });
    expect(big.status).toBe(400);
    expect(big.body.error!.details).toEqual({ max: MAX_BATCH_IDS, given: MAX_BATCH_IDS + 1 });
    for (const bad of [{ action: 'delete', ids: [] }, { action: 'explode', ids: [ids.quokka] }, { action: 'delete', ids: ['nope'] }, { ids: [ids.quokka] }, { action: 'delete', ids: [ids.quokka], purge: 'yes' }]) {
      expect((await batch(bad, { code: 'VALIDATION_ERROR' })).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await liveIds()).toContain(ids.quokka);
  });

  it('answers any other body with a 4xx and a stable code, never a 5xx, and acts on no one else\'s file', async () => {
    const id = fc.oneof(fc.constantFrom(foreignId, UNKNOWN, ids.quokka.toUpperCase(), 'nope', ''), fc.uuid());
    const body = fc.oneof(
      fc.jsonValue(),
      fc.record({ action: fc.oneof(fc.constantFrom('delete', 'restore', 'retry', 'DELETE', 'add_tags'), fc.string()), ids: fc.oneof(fc.array(id, { maxLength: 5 }), fc.jsonValue()) }, { requiredKeys: [] }),
    );
    await fc.assert(fc.asyncProperty(body, async (b) => {
      // Deletes of the owner's own files would change the later checks; everything else goes.
      if (typeof b === 'object' && b !== null && 'action' in b && b.action === 'delete') return;
      const res = await s.json<BatchResult>('/api/v1/uploads/batch', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(b) });
      expect(res.status, JSON.stringify(b)).toBeLessThan(500);
      if (res.status === 200) expect(res.body.data.results.every((r) => r.id !== foreignId || r.code === 'NOT_FOUND')).toBe(true);
      else expect(['VALIDATION_ERROR', 'BATCH_TOO_LARGE']).toContain(res.body.error?.code);
    }), { numRuns: 60 });
    expect((await metadata(s, foreignId, s.otherToken)).processing_status).toBe('completed');
  });
});
