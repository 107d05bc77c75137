/**
 * What the search box offers before a search runs, over real HTTP with real files: suggestions
 * from the user's own tags (names, colours, the objects the analyzer is sure of) and cameras (real
 * EXIF), matched at the start of a word, any case, most frequent first, per user, without deleted
 * files; and the recent searches, forgotten one query at a time or all at once, per user, with
 * NOT_FOUND for an id that is not one of the caller's. Runs in both modes (vitest.config.ts
 * CLOUD_API_SUITES).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHistory, SearchHistoryDeleted, SearchSuggestions } from '../../shared/api/schemas.ts';
import { accept, acceptProcessed, call, eventually, metadata, postJson } from '../helpers/http.ts';
import { jpegWithExif } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let ids: Record<string, string> = {};

async function suggest(prefix: string, opts: { limit?: number; token?: string } = {}) {
  const q = new URLSearchParams({ prefix, ...(opts.limit ? { limit: String(opts.limit) } : {}) });
  const res = await call<SearchSuggestions>(s, `/api/v1/search/suggestions?${q.toString()}`, { token: opts.token });
  expect(res.status).toBe(200);
  return res.body.data.suggestions;
}

async function history(token?: string) {
  const res = await call<SearchHistory>(s, '/api/v1/search/history?limit=100', { token });
  expect(res.status).toBe(200);
  return res.body.data;
}

async function searchFor(query: string, token?: string) {
  expect((await postJson(s, '/api/v1/search', { query }, { token })).status).toBe(200);
}

beforeAll(async () => {
  s = await startTestServer();
  const files = [
    ['lighthouse-keeper.jpg', await jpegWithExif({ make: 'Canon', model: 'Canon EOS R5', color: '#c0392b' })],
    ['lighthouse-at-dusk.jpg', await jpegWithExif({ make: 'NIKON CORPORATION', model: 'NIKON D750', color: '#2c3e50' })],
    ['lighthouse-logbook.txt', Buffer.from('Logbook of the lighthouse on the northern cape, winter storms and passing ships.\n')],
    ['lightning-storm.txt', Buffer.from('Notes about a lightning storm over the bay.\n')],
    ['golden-retriever.txt', Buffer.from('Our golden retriever loves the beach.\n')],
  ] as const;
  ids = await acceptProcessed(s, files);
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('GET /search/suggestions', () => {
  it("offers the user's tags that start with what is typed, most files first, in any case", async () => {
    // The files' own tags are the ground truth: their names' words are among them.
    for (const name of ['lighthouse-keeper.jpg', 'lighthouse-at-dusk.jpg', 'lighthouse-logbook.txt']) {
      expect((await metadata(s, ids[name]!)).tags).toContain('lighthouse');
    }
    const found = await suggest('ligh');
    expect(found[0]).toEqual({ kind: 'tag', value: 'lighthouse', count: 3 });
    expect(found).toContainEqual({ kind: 'tag', value: 'lightning', count: 1 });
    expect(found.every((x) => /(^|\s)ligh/i.test(x.value))).toBe(true);
    expect(await suggest('LIGHTH')).toEqual([{ kind: 'tag', value: 'lighthouse', count: 3 }]);
  });

  it('matches the start of any word, so a later word of a tag or a camera model is found too', async () => {
    expect(await suggest('eos')).toEqual([{ kind: 'camera', value: 'Canon EOS R5', count: 1 }]);
    expect(await suggest('nik')).toContainEqual({ kind: 'camera', value: 'NIKON D750', count: 1 });
    // Inside a word is not the start of one.
    expect((await suggest('ighthouse')).length).toBe(0);
  });

  it('keeps to the limit and treats LIKE wildcards as the characters they are', async () => {
    expect(await suggest('l', { limit: 1 })).toHaveLength(1);
    expect(await suggest('%')).toEqual([]);
    expect(await suggest('_ighthouse')).toEqual([]);
  });

  it("never offers another user's words", async () => {
    expect(await suggest('ligh', { token: s.otherToken })).toEqual([]);
  });

  it('counts a file that finishes after the words were first asked for, at once', async () => {
    expect(await suggest('zephyr')).toEqual([]);
    const { uploadId } = await accept(s, Buffer.from('Notes on the zephyrus wind in the valley.\n'), 'zephyrus-notes.txt');
    expect((await s.waitForUpload(uploadId)).processing_status).toBe('completed');
    expect(await suggest('zephyr')).toEqual([{ kind: 'tag', value: 'zephyrus', count: 1 }]);
  });

  it('stops counting a file once it is deleted', async () => {
    const before = await suggest('retriev');
    expect(before).toContainEqual({ kind: 'tag', value: 'retriever', count: 1 });
    expect((await s.api(`/api/v1/upload/${ids['golden-retriever.txt']}`, { method: 'DELETE' })).status).toBe(200);
    expect(await suggest('retriev')).toEqual([]);
  });

  it('refuses a missing or oversized prefix and a limit out of range with VALIDATION_ERROR', async () => {
    for (const q of ['', '?prefix=', `?prefix=${'a'.repeat(101)}`, '?prefix=li&limit=0', '?prefix=li&limit=21', '?prefix=li&limit=many']) {
      const res = await call(s, `/api/v1/search/suggestions${q}`, { code: 'VALIDATION_ERROR' });
      expect(res.status, q).toBe(400);
    }
  });
});

describe('forgetting recent searches', () => {
  it('DELETE /search/history/{id} forgets that query, every time it was run, and nothing else', async () => {
    await searchFor('storm over the bay');
    await searchFor('passing ships');
    await searchFor('storm over the bay');
    const listed = await history();
    const storms = listed.history.filter((h) => h.query === 'storm over the bay');
    expect(storms).toHaveLength(2);
    const res = await call<SearchHistoryDeleted>(s, `/api/v1/search/history/${storms[1]!.id}`, { method: 'DELETE' });
    expect(res.status).toBe(200);
    expect(res.body.data).toEqual({ deleted: 2 });
    const after = await history();
    expect(after.history.map((h) => h.query)).not.toContain('storm over the bay');
    expect(after.history.map((h) => h.query)).toContain('passing ships');
    expect(after.total).toBe(listed.total - 2);
  });

  it('answers NOT_FOUND for an id already forgotten, unknown, or another user\'s, and leaves the entry alone', async () => {
    await searchFor('cape winter');
    const mine = (await history()).history.find((h) => h.query === 'cape winter')!;
    const theirs = await call(s, `/api/v1/search/history/${mine.id}`, { method: 'DELETE', token: s.otherToken, code: 'NOT_FOUND' });
    expect(theirs.status).toBe(404);
    expect((await history()).history.map((h) => h.id)).toContain(mine.id);
    expect((await call(s, '/api/v1/search/history/7d3f4c1e-0000-4000-8000-000000000000', { method: 'DELETE', code: 'NOT_FOUND' })).status).toBe(404);
    expect((await call(s, `/api/v1/search/history/${mine.id}`, { method: 'DELETE' })).status).toBe(200);
    expect((await call(s, `/api/v1/search/history/${mine.id}`, { method: 'DELETE', code: 'NOT_FOUND' })).status).toBe(404);
    expect((await call(s, '/api/v1/search/history/not-an-id', { method: 'DELETE', code: 'VALIDATION_ERROR' })).status).toBe(400);
  });

  it('DELETE /search/history forgets all of the caller\'s searches and none of another user\'s', async () => {
    await searchFor('logbook');
    await searchFor('their own search', s.otherToken);
    const count = (await history()).total;
    expect(count).toBeGreaterThan(0);
    const res = await call<SearchHistoryDeleted>(s, '/api/v1/search/history', { method: 'DELETE' });
    expect(res.body.data).toEqual({ deleted: count });
    expect(await history()).toEqual({ history: [], total: 0 });
    expect((await history(s.otherToken)).history.map((h) => h.query)).toEqual(['their own search']);
  });

  it("offers the user's own tags, folders (and the folders above them) and collections", async () => {
    const token = s.otherToken;
    const json = (method: string, path: string, body: unknown) =>
      call<{ id: string }>(s, path, { method, token, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const { uploadId } = await accept(s, Buffer.from('Minutes of the harbour committee.\n'), 'minutes.txt', { token, metadata: JSON.stringify({ folder: 'Quayside/Archive 1998' }) });
    expect(await eventually(async () => (await metadata(s, uploadId, token)).processing_status === 'completed', 120_000, 250)).toBe(true);
    expect((await json('PATCH', `/api/v1/upload/${uploadId}`, { user_tags: ['Quarterly minutes'] })).status).toBe(200);
    const parent = await json('POST', '/api/v1/collections', { name: 'Quays' });
    const child = await json('POST', '/api/v1/collections', { name: 'Quay meetings', parent_id: parent.body.data.id });
    expect((await json('POST', `/api/v1/collections/${child.body.data.id}/items`, { upload_ids: [uploadId] })).status).toBe(200);

    const found = await suggest('qua', { token, limit: 20 });
    expect(found).toEqual(expect.arrayContaining([
      { kind: 'tag', value: 'quarterly minutes', count: 1 },
      { kind: 'folder', value: 'Quayside', count: 1 },
      { kind: 'folder', value: 'Quayside/Archive 1998', count: 1 },
      { kind: 'collection', value: 'Quays/Quay meetings', count: 1 },
    ]));
    // A later part of a folder path is a word start too; the owner of the other files sees none of it.
    expect(await suggest('archive', { token })).toContainEqual({ kind: 'folder', value: 'Quayside/Archive 1998', count: 1 });
    expect(await suggest('quay')).toEqual([]);
  });
});
