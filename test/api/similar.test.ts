/**
 * GET /search/similar/{id} (nearest stored vectors, near-duplicate pictures flagged and first) and the
 * relevance controls of POST /search: the calibrated `min_score` cutoff (exact-word hits always kept),
 * `sort`, trimming and quoted phrases. One real server for the whole file.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIN_SCORE, type SearchResponse, type SimilarResponse } from '../../shared/api/schemas.ts';
import { accept, call, metadata, postJson } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const ids: Record<string, string> = {};

/** A greyscale-ish photo stand-in with real structure (smooth waves), so its dHash is not all zeros. */
function pattern(width: number, height: number, f: (x: number, y: number) => number): Promise<Buffer> {
  const px = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = Math.max(0, Math.min(255, Math.round(f(x / width, y / height))));
      px.set([v, Math.round(v * 0.8), 255 - v], (y * width + x) * 3);
    }
  }
  return sharp(px, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer();
}

const DOCS = {
  spice: 'Minutes of the spice cooperative meeting: members agreed on the price of cardamom and black pepper for the autumn harvest.',
  // Both words, but not as the phrase: a quoted search must rank the minutes above this.
  decoy: 'The cooperative bakery ordered flour; the spice merchant delivered cinnamon late again.',
  invoice: 'Invoice 2291 from Northwind Plumbing for repairing the kitchen sink and replacing a leaking pipe. Total due: 340 EUR by 31 March.',
  recipe: 'Recipe: slow-cooked lamb stew with rosemary, garlic, carrots and potatoes. Brown the meat, add stock and simmer for two hours. Serves four.',
  travel: 'Travel itinerary: flight to Lisbon on 12 May, hotel near the Alfama district, day trip by train to Sintra and the palaces.',
  infra: 'Quarterly report on server uptime, request latency and database incidents for the infrastructure team.',
};

beforeAll(async () => {
  const wave = (x: number, y: number) => 128 + 90 * Math.sin(x * 9) * Math.cos(y * 5) + 30 * x;
  const photo = await pattern(640, 480, wave);
  // The same picture, smaller and re-encoded: different bytes (so not an upload duplicate), same look.
  const resized = await sharp(photo).resize(320, 240).jpeg({ quality: 60 }).toBuffer();
  const other = await pattern(640, 480, (x, y) => 255 * (1 - y) * (0.5 + 0.5 * Math.cos(x * 14)));
  expect(resized.equals(photo)).toBe(false);
  s = await startTestServer();
  ids.photo = (await accept(s, photo, 'beach.jpg')).uploadId;
  ids.resized = (await accept(s, resized, 'beach-small.jpg')).uploadId;
  ids.other = (await accept(s, other, 'stripes.jpg')).uploadId;
  // Flat pictures all hash to zeros; two of different colours must not count as near-duplicates.
  const flat = (background: string) => sharp({ create: { width: 120, height: 90, channels: 3, background } }).png().toBuffer();
  ids.red = (await accept(s, await flat('#cc2222'), 'red.png')).uploadId;
  ids.blue = (await accept(s, await flat('#2244cc'), 'blue.png')).uploadId;
  for (const [name, text] of Object.entries(DOCS)) ids[name] = (await accept(s, Buffer.from(`${text}\n`), `${name}.txt`)).uploadId;
  const done = await Promise.all(Object.values(ids).map((id) => s.waitForUpload(id)));
  expect(done.map((u) => u.processing_status)).toEqual(done.map(() => 'completed'));
}, 60_000);

afterAll(async () => {
  await s?.close();
});

async function similar(id: string, query = '', token?: string) {
  const res = await call<SimilarResponse>(s, `/api/v1/search/similar/${id}${query}`, { token });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data;
}

async function search(body: Record<string, unknown>) {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', body);
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data;
}

describe('GET /search/similar/{id}', () => {
  it('stores a 64-bit perceptual hash for pictures', async () => {
    for (const id of [ids.photo!, ids.resized!, ids.other!]) expect((await metadata(s, id)).metadata.phash).toMatch(/^[0-9a-f]{16}$/);
    expect((await metadata(s, ids.spice!)).metadata.phash).toBeUndefined();
  });

  it('lists the resized, re-encoded copy first as a near-duplicate; a different picture is not one', async () => {
    const data = await similar(ids.photo!);
    expect(data.processing_time_ms).toBeGreaterThanOrEqual(0);
    expect(data.results[0]).toMatchObject({
      upload_id: ids.resized, filename: 'beach-small.jpg', file_type: 'image', near_duplicate: true,
      similarity_score: expect.any(Number), thumbnail_url: expect.stringMatching(s.linkPattern),
    });
    const ids_ = data.results.map((r) => r.upload_id);
    expect(ids_).not.toContain(ids.photo);
    expect(new Set(ids_).size).toBe(ids_.length);
    expect(data.results.find((r) => r.upload_id === ids.other)?.near_duplicate).toBe(false);
    expect(data.results.filter((r) => r.near_duplicate)).toHaveLength(1);
    expect((await similar(ids.red!)).results.some((r) => r.near_duplicate)).toBe(false);
    // Works both ways.
    expect((await similar(ids.resized!)).results[0]).toMatchObject({ upload_id: ids.photo, near_duplicate: true });
  });

  it('ranks the rest by closeness of meaning and honours limit', async () => {
    const data = await similar(ids.recipe!);
    expect(data.results.every((r) => r.near_duplicate === false)).toBe(true);
    const scores = data.results.map((r) => r.similarity_score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(data.results).toHaveLength(Object.keys(ids).length - 1);
    expect((await similar(ids.recipe!, '?limit=2')).results.map((r) => r.upload_id)).toEqual(data.results.slice(0, 2).map((r) => r.upload_id));
  });

  it('answers 404 for an unknown id or another user\'s file, 400 for a bad id or limit', async () => {
    expect((await call(s, '/api/v1/search/similar/00000000-0000-4000-8000-000000000000', { code: 'NOT_FOUND' })).status).toBe(404);
    expect((await call(s, `/api/v1/search/similar/${ids.photo}`, { token: s.otherToken, code: 'NOT_FOUND' })).status).toBe(404);
    expect((await call(s, '/api/v1/search/similar/not-a-uuid', { code: 'VALIDATION_ERROR' })).status).toBe(400);
    expect((await call(s, `/api/v1/search/similar/${ids.photo}?limit=0`, { code: 'VALIDATION_ERROR' })).status).toBe(400);
    expect((await call(s, `/api/v1/search/similar/${ids.photo}?limit=101`, { code: 'VALIDATION_ERROR' })).status).toBe(400);
  });

  it('leaves out deleted files, and a deleted file has no similar list', async () => {
    const extra = (await accept(s, Buffer.from(`${DOCS.recipe} Second copy with a note.\n`), 'recipe-copy.txt')).uploadId;
    await s.waitForUpload(extra);
    expect((await similar(ids.recipe!)).results.map((r) => r.upload_id)).toContain(extra);
    expect((await call(s, `/api/v1/upload/${extra}`, { method: 'DELETE' })).status).toBe(200);
    expect((await similar(ids.recipe!)).results.map((r) => r.upload_id)).not.toContain(extra);
    expect((await call(s, `/api/v1/search/similar/${extra}`, { code: 'NOT_FOUND' })).status).toBe(404);
  });
});

describe('POST /search relevance', () => {
  /**
   * Calibration of DEFAULT_MIN_SCORE against USE-lite (cosine similarity of the query with each file,
   * queries sharing no word with their target). Measured while writing this (see README):
   * relevant 0.36–0.67; clearly unrelated (a picture or a plumbing invoice for a travel query) 0.01–0.25.
   */
  const CALIBRATION = [
    { query: 'bill for the plumber', relevant: 'invoice', unrelated: ['travel', 'photo', 'other'] },
    { query: 'how to make a casserole', relevant: 'recipe', unrelated: ['photo', 'other'] },
    { query: 'holiday in Portugal', relevant: 'travel', unrelated: ['infra', 'photo', 'other'] },
    { query: 'farmers agreement on cardamom prices', relevant: 'spice', unrelated: ['photo', 'other'] },
    { query: 'website outage statistics', relevant: 'infra', unrelated: ['recipe', 'spice'] },
  ];

  it('keeps the relevant file first and above the cutoff; clearly unrelated files score far below it', async () => {
    for (const c of CALIBRATION) {
      const all = await search({ query: c.query, limit: 100, min_score: 0 });
      const score = (name: string) => all.results.find((r) => r.upload_id === ids[name])?.similarity_score ?? -1;
      expect(all.results[0]!.upload_id, c.query).toBe(ids[c.relevant]);
      expect(score(c.relevant), c.query).toBeGreaterThanOrEqual(0.3);
      for (const u of c.unrelated) expect(score(u), `${c.query} vs ${u}`).toBeLessThan(0.3);
      // The default keeps the relevant file; a cutoff at the calibrated boundary removes the unrelated ones.
      const byDefault = await search({ query: c.query, limit: 100 });
      expect(byDefault.results[0]!.upload_id, c.query).toBe(ids[c.relevant]);
      expect(byDefault.results.every((r) => r.similarity_score >= DEFAULT_MIN_SCORE)).toBe(true);
      const strict = await search({ query: c.query, limit: 100, min_score: 0.3 });
      expect(strict.results[0]!.upload_id, c.query).toBe(ids[c.relevant]);
      for (const u of c.unrelated) expect(strict.results.map((r) => r.upload_id), `${c.query} vs ${u}`).not.toContain(ids[u]);
    }
  });

  it('always keeps exact-word matches, however low their vector similarity', async () => {
    const data = await search({ query: 'Northwind', min_score: 1 });
    expect(data.results.map((r) => r.upload_id)).toEqual([ids.invoice]);
    expect(data.results[0]!.similarity_score).toBeLessThan(1);
  });

  it('validates min_score and sort', async () => {
    for (const body of [{ min_score: -0.1 }, { min_score: 1.5 }, { min_score: 'high' }, { sort: 'latest' }, { sort: 'date ' }]) {
      const res = await postJson(s, '/api/v1/search', { query: 'x', ...body }, { code: 'VALIDATION_ERROR' });
      expect(res.status, JSON.stringify(body)).toBe(400);
    }
  });

  it("sort: 'date' returns the same matches newest first", async () => {
    const byRelevance = await search({ query: 'cooperative spice pepper cardamom', limit: 100, min_score: 0 });
    const byDate = await search({ query: 'cooperative spice pepper cardamom', limit: 100, min_score: 0, sort: 'date' });
    expect(new Set(byDate.results.map((r) => r.upload_id))).toEqual(new Set(byRelevance.results.map((r) => r.upload_id)));
    const dates = byDate.results.map((r) => Date.parse(r.created_at));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(byDate.results[0]!.upload_id).toBe(ids.infra);
  });

  it('matches a quoted phrase as a phrase and ranks that file first; trims the query', async () => {
    const quoted = await search({ query: '"spice cooperative"' });
    expect(quoted.results[0]!.upload_id).toBe(ids.spice);
    const loose = await search({ query: 'spice cooperative' });
    expect(loose.results.slice(0, 2).map((r) => r.upload_id).sort()).toEqual([ids.spice, ids.decoy].sort());
    const padded = await search({ query: '   "spice cooperative"  \n' });
    expect(padded.results.map((r) => r.upload_id)).toEqual(quoted.results.map((r) => r.upload_id));
    const history = await call<{ history: { query: string }[] }>(s, '/api/v1/search/history?limit=1');
    expect(history.body.data.history[0]!.query).toBe('"spice cooperative"');
  });
});
