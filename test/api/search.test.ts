/**
 * POST /search and GET /search/history over real HTTP: finding a document by a word of its text
 * and a photo by words of its summary, filters (file_types, dates), limits, validation, history.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchHistory, SearchResponse } from '../../shared/api/schemas.ts';
import { UUID_RE, accept, call, metadata, postJson } from '../helpers/http.ts';
import { jpegWithExif, pdfWithText } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
let startedAt: Date;
const ids = { photo: '', text: '', pdf: '', fillers: [] as string[] };
const FILLERS = 22;
/** Successful searches made by the owner, in order, for the history checks. */
const made: string[] = [];

/** The database keeps microseconds; the API shows milliseconds, so an inclusive bound needs a nudge. */
const plusMs = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();

async function search(body: Record<string, unknown>, token?: string) {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', body, { token });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  if (token === undefined) made.push(String(body.query).trim());
  return res.body.data;
}

async function rejected(body: unknown, path?: string) {
  const res = await postJson(s, '/api/v1/search', body, { code: 'VALIDATION_ERROR' });
  expect(res.status, JSON.stringify(body)).toBe(400);
  if (path !== undefined) {
    expect(res.body.error!.details, JSON.stringify(body)).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
  }
  return res.body.error!;
}

beforeAll(async () => {
  const [photo, pdf] = await Promise.all([
    jpegWithExif({ make: 'Hasselblad', model: 'X2D 100C', color: '#224466' }),
    pdfWithText(['Field notes on the platypus colony', 'Observed near the river bend at dawn.'], 'Platypus field notes'),
  ]);
  s = await startTestServer();
  startedAt = new Date(Date.now() - 1000);
  ids.photo = (await accept(s, photo, 'IMG_0042.jpg')).uploadId;
  ids.text = (await accept(s, Buffer.from('Shopping list: flour, eggs, and a jar of quinceberry marmalade for grandmother.\n'), 'list.txt')).uploadId;
  ids.pdf = (await accept(s, pdf, 'scan-0007.pdf')).uploadId;
  for (let i = 0; i < FILLERS; i++) {
    ids.fillers.push((await accept(s, Buffer.from(`Filler note number ${i}: weekly chores, laundry and watering the plants.\n`), `filler-${i}.txt`)).uploadId);
  }
  const all = [ids.photo, ids.text, ids.pdf, ...ids.fillers];
  const done = await Promise.all(all.map((id) => s.waitForUpload(id)));
  expect(done.map((u) => u.processing_status)).toEqual(all.map(() => 'completed'));
});

afterAll(async () => {
  await s?.close();
});

describe('POST /search', () => {
  it('finds a text document by a distinctive word from its content', async () => {
    const data = await search({ query: 'quinceberry' });
    expect(data.search_id).toMatch(UUID_RE);
    expect(data.processing_time_ms).toBeGreaterThanOrEqual(0);
    expect(data.results[0]).toMatchObject({
      upload_id: ids.text, filename: 'list.txt', file_type: 'document', mime_type: 'text/plain',
      summary: expect.stringContaining('quinceberry'), thumbnail_url: expect.stringMatching(s.linkPattern),
    });
    expect(data.results[0]!.similarity_score).toEqual(expect.any(Number));
    expect(Date.parse(data.results[0]!.created_at)).toBeGreaterThanOrEqual(startedAt.getTime());
  });

  it('finds a PDF by a word on its page', async () => {
    expect((await search({ query: 'platypus colony' })).results[0]!.upload_id).toBe(ids.pdf);
  });

  it('finds a photo by words of its summary (camera from EXIF)', async () => {
    const data = await search({ query: 'Hasselblad X2D' });
    expect(data.results[0]).toMatchObject({ upload_id: ids.photo, file_type: 'image', summary: expect.stringContaining('Hasselblad') });
  });

  it('restricts results to file_types', async () => {
    const images = await search({ query: 'quinceberry', file_types: ['image'] });
    expect(images.results.length).toBeGreaterThan(0);
    expect(images.results.every((r) => r.file_type === 'image')).toBe(true);
    expect(images.results.map((r) => r.upload_id)).not.toContain(ids.text);
    const docs = await search({ query: 'Hasselblad', file_types: ['document'] });
    expect(docs.results.map((r) => r.upload_id)).not.toContain(ids.photo);
    expect(docs.results.every((r) => r.file_type === 'document')).toBe(true);
    const both = await search({ query: 'Hasselblad', file_types: ['image', 'document'] });
    expect(both.results[0]!.upload_id).toBe(ids.photo);
    expect((await search({ query: 'Hasselblad', file_types: ['video', 'audio'] })).results).toEqual([]);
  });

  it('filters by when the content was made with date_from and date_to (else when it was added)', async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    const past = new Date(startedAt.getTime() - 3_600_000).toISOString();
    expect((await search({ query: 'quinceberry', date_from: future })).results).toEqual([]);
    // The photo was taken on 15 June 2021 (EXIF), long before it was added; the text file says nothing, so it dates from its upload.
    const before = await search({ query: 'quinceberry', date_to: past });
    expect(before.results.map((r) => r.upload_id)).toEqual([ids.photo]);
    expect(before.results[0]!.content_date).toBe('2021-06-15T14:30:00.000Z');
    const inside = await search({ query: 'quinceberry', date_from: startedAt.toISOString(), date_to: future });
    expect(inside.results[0]!.upload_id).toBe(ids.text);
    expect(inside.results.map((r) => r.upload_id)).not.toContain(ids.photo);
    const june = await search({ query: 'quinceberry', date_from: '2021-06-01T00:00:00Z', date_to: '2021-06-30T23:59:59.999Z' });
    expect(june.results.map((r) => r.upload_id)).toEqual([ids.photo]);
    // Inclusive bounds: a window that ends at the text file's own date keeps it.
    const textDate = (await search({ query: 'quinceberry' })).results.find((r) => r.upload_id === ids.text)!.content_date!;
    expect(textDate).toBe((await metadata(s, ids.text)).created_at);
    const upTo = await search({ query: 'quinceberry', date_from: startedAt.toISOString(), date_to: plusMs(textDate, 1) });
    expect(upTo.results.map((r) => r.upload_id)).toContain(ids.text);
  });

  it('returns 20 results by default, `limit` of them when given, up to 100', async () => {
    const total = 3 + FILLERS;
    expect((await search({ query: 'weekly chores' })).results).toHaveLength(20);
    expect((await search({ query: 'weekly chores', limit: 5 })).results).toHaveLength(5);
    expect((await search({ query: 'weekly chores', limit: 1 })).results).toHaveLength(1);
    // Every filler has the words; the other three files only come near in meaning, below the relevance cut-off.
    const all = await search({ query: 'weekly chores', limit: 100 });
    expect(all.results).toHaveLength(FILLERS);
    expect(all).toMatchObject({ total: FILLERS, more_below_cutoff: 3 });
    const everything = await search({ query: 'weekly chores', limit: 100, include_weaker: true });
    expect(everything.results).toHaveLength(total);
    expect(new Set(everything.results.map((r) => r.upload_id)).size).toBe(total);
  });

  it('rejects wrong types with 400 VALIDATION_ERROR naming the field in details', async () => {
    await rejected({ query: 5 }, 'body/query');
    await rejected({ query: 'x', limit: '20' }, 'body/limit');
    await rejected({ query: 'x', limit: 100_000 }, 'body/limit');
    await rejected({ query: 'x', limit: 101 }, 'body/limit');
    await rejected({ query: 'x', limit: 0 }, 'body/limit');
    await rejected({ query: 'x', limit: 2.5 }, 'body/limit');
    await rejected({ query: 'x', file_types: ['spreadsheet'] });
    await rejected({ query: 'x', file_types: 'image' }, 'body/file_types');
    await rejected({ query: 'x', date_from: 'yesterday' }, 'body/date_from');
    await rejected({ query: 'x', sort: 'latest' });
    await rejected({ query: 'x', offset: -1 }, 'body/offset');
    await rejected({ query: 'x', interpret: 'yes' }, 'body/interpret');
    await rejected({ query: 'x'.repeat(1001) }, 'body/query');
    await rejected({});
    await rejected([]);
  });

  it('rejects an empty or blank query', async () => {
    await rejected({ query: '' }, 'body/query');
    await rejected({ query: '   \t\n ' }, 'body/query');
  });

  it('rejects date_from after date_to, bad JSON and an empty body', async () => {
    await rejected({ query: 'x', date_from: '2024-02-01T00:00:00Z', date_to: '2024-01-01T00:00:00Z' }, 'body/date_from');
    await rejected('{"query": "x"');
    const empty = await call(s, '/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/json' }, code: 'VALIDATION_ERROR' });
    expect(empty.status).toBe(400);
    const wrongType = await call(s, '/api/v1/search', { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<query>x</query>', code: 'UNSUPPORTED_FILE_TYPE' });
    expect(wrongType.status).toBe(415);
  });

  it('shows the other user nothing of the owner', async () => {
    const data = await search({ query: 'quinceberry', limit: 100 }, s.otherToken);
    expect(data.results).toEqual([]);
  });
});

describe('GET /search/history', () => {
  it('lists the successful searches, newest first, with result counts', async () => {
    const { body } = await call<SearchHistory>(s, '/api/v1/search/history?limit=100');
    expect(body.data.total).toBe(made.length);
    expect(body.data.history.map((h) => h.query)).toEqual([...made].reverse());
    const latest = body.data.history[0]!;
    expect(latest).toMatchObject({ id: expect.stringMatching(UUID_RE), result_count: expect.any(Number), latency_ms: expect.any(Number) });
    // Less than a full page of the 25 files: the photo and the few files nearest in meaning; the rest fall below the relevance cut-off.
    const byQuery = body.data.history.find((h) => h.query === 'Hasselblad X2D')!;
    expect(byQuery.result_count).toBeGreaterThanOrEqual(1);
    expect(byQuery.result_count).toBeLessThan(20);
    const created = body.data.history.map((h) => Date.parse(h.created_at));
    expect(created).toEqual([...created].sort((a, b) => b - a));
  });

  it('pages with limit and offset, and validates them', async () => {
    const first = await call<SearchHistory>(s, '/api/v1/search/history?limit=2');
    expect(first.body.data.history.map((h) => h.query)).toEqual([...made].reverse().slice(0, 2));
    expect(first.body.data.total).toBe(made.length);
    const next = await call<SearchHistory>(s, '/api/v1/search/history?limit=2&offset=2');
    expect(next.body.data.history.map((h) => h.query)).toEqual([...made].reverse().slice(2, 4));
    for (const q of ['limit=0', 'limit=1000', 'offset=-3', 'limit=x']) {
      expect((await call(s, `/api/v1/search/history?${q}`, { code: 'VALIDATION_ERROR' })).status, q).toBe(400);
    }
  });

  it('is kept per user', async () => {
    const { body } = await call<SearchHistory>(s, '/api/v1/search/history?limit=100', { token: s.otherToken });
    expect(body.data.history.map((h) => h.query)).toEqual(['quinceberry']);
    expect(body.data.total).toBe(1);
  });
});

describe('metrics', () => {
  it('observes every search in search_latency_seconds', async () => {
    const text = await (await s.api('/api/v1/metrics', { token: s.server.token })).text();
    const count = /^search_latency_seconds_count (\d+)$/m.exec(text);
    expect(count, 'search_latency_seconds_count').not.toBeNull();
    expect(Number(count![1])).toBe(made.length + 1);
  });
});
