/**
 * Results stop where relevance stops (issue 11, item 8), over real HTTP in both API modes: by default
 * POST /search lists a file with every word of the query and, of the rest, only those whose fused
 * score comes near the best one's (services/search-calibration.ts); the weaker matches it leaves out
 * are counted (`more_below_cutoff`), not lost: `include_weaker` lists them after the others, and a
 * `min_score` of the caller's own replaces the cut-off. Text files only, so the set is ready fast;
 * twelve of them, as the cut-off is relative to ranks (a small library keeps its few nearest files).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_MIN_SCORE, type SearchResponse } from '../../shared/api/schemas.ts';
import { accept, postJson } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const ids: Record<string, string> = {};

const NOTES = {
  invoice: 'Invoice 2291 from Northwind Plumbing for repairing the kitchen sink and replacing a leaking pipe. Total due: 340 EUR by 31 March.',
  recipe: 'Recipe: slow-cooked lamb stew with rosemary, garlic, carrots and potatoes. Brown the meat, add stock and simmer for two hours.',
  travel: 'Travel itinerary: flight to Lisbon on 12 May, hotel near the Alfama district, day trip by train to Sintra and the palaces.',
  infra: 'Quarterly report on server uptime, request latency and database incidents for the infrastructure team.',
  spice: 'Minutes of the spice cooperative meeting: members agreed on the price of cardamom and black pepper for the autumn harvest.',
  bakery: 'The cooperative bakery ordered flour; the spice merchant delivered cinnamon late again.',
  garden: 'Garden diary: planted tulip bulbs along the fence, pruned the apple tree and repaired the greenhouse door.',
  chess: 'Chess club newsletter: the winter tournament ends in a draw between the two strongest juniors.',
  violin: 'Violin lesson notes: practise the second movement slowly, mind the bowing in bars twelve to twenty.',
  birds: 'Birdwatching log: a pair of kingfishers by the river at dawn, three herons on the far bank.',
  tax: 'Reminder: the annual tax return is due at the end of July; gather the receipts for the home office.',
  hiking: 'Hiking plan: a two-day ridge walk with a night in the mountain hut, bring crampons in case of snow.',
};

async function search(body: Record<string, unknown>) {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', body);
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data;
}

beforeAll(async () => {
  s = await startTestServer();
  for (const [name, text] of Object.entries(NOTES)) ids[name] = (await accept(s, Buffer.from(`${text}\n`), `${name}.txt`)).uploadId;
  const done = await Promise.all(Object.values(ids).map((id) => s.waitForUpload(id)));
  expect(done.map((u) => u.processing_status)).toEqual(done.map(() => 'completed'));
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('POST /search: the relevance cut-off', () => {
  it('lists the file with the words first; of the files merely near in meaning only the nearest follow, the rest are counted and listed on request', async () => {
    const query = 'Northwind plumbing';
    const byDefault = await search({ query, limit: 100 });
    const kept = byDefault.results.map((r) => r.upload_id);
    expect(kept[0]).toBe(ids.invoice);
    expect(byDefault).toMatchObject({ total: kept.length, has_more: false, next_offset: null });
    // The counts are over the list as cut.
    expect(byDefault.facets!.file_type).toEqual({ document: kept.length });
    const weaker = byDefault.more_below_cutoff!;
    expect(weaker).toBeGreaterThan(0);
    expect(kept.length + weaker).toBeLessThanOrEqual(Object.keys(NOTES).length);

    const all = await search({ query, limit: 100, include_weaker: true });
    expect(all.more_below_cutoff).toBe(0);
    expect(all.total).toBe(kept.length + weaker);
    expect(all.facets!.file_type).toEqual({ document: kept.length + weaker });
    // The same ranking: the weaker matches come after the kept ones.
    expect(all.results.map((r) => r.upload_id).slice(0, kept.length)).toEqual(kept);
    expect(all.results.every((r) => r.similarity_score >= DEFAULT_MIN_SCORE)).toBe(true);

    // A min_score of the caller's own replaces the cut-off: the same list as include_weaker.
    const own = await search({ query, limit: 100, min_score: DEFAULT_MIN_SCORE });
    expect(own.results.map((r) => r.upload_id)).toEqual(all.results.map((r) => r.upload_id));
    expect(own.more_below_cutoff).toBe(0);
    // Paging the default list never reaches the weaker ones; paging include_weaker does.
    expect((await search({ query, limit: 1, offset: kept.length })).results).toEqual([]);
    expect((await search({ query, limit: 1, offset: kept.length, include_weaker: true })).results.map((r) => r.upload_id))
      .toEqual([all.results[kept.length]!.upload_id]);
  });

  it('keeps every file with all of the words, wherever it ranks', async () => {
    const data = await search({ query: 'cooperative spice', limit: 100 });
    expect(data.results.map((r) => r.upload_id)).toEqual(expect.arrayContaining([ids.spice, ids.bakery]));
    for (const id of [ids.spice, ids.bakery]) expect(data.results.find((r) => r.upload_id === id)?.reason?.by).toMatch(/^(text|both)$/);
  });

  it('caches the default and the longer list apart', async () => {
    const query = 'Northwind plumbing';
    const first = await search({ query, limit: 100 });
    const longer = await search({ query, limit: 100, include_weaker: true });
    const again = await search({ query, limit: 100 });
    expect(longer.results.length).toBeGreaterThan(first.results.length);
    expect(again.results.map((r) => r.upload_id)).toEqual(first.results.map((r) => r.upload_id));
    expect(again.more_below_cutoff).toBe(first.more_below_cutoff);
  });

  it('validates include_weaker and describes both fields in the OpenAPI document', async () => {
    const res = await postJson(s, '/api/v1/search', { query: 'x', include_weaker: 'yes' }, { code: 'VALIDATION_ERROR' });
    expect(res.status).toBe(400);
    const doc = JSON.stringify(await (await s.api('/api/v1/openapi.json', { token: null })).json());
    expect(doc).toContain('include_weaker');
    expect(doc).toContain('more_below_cutoff');
  });
});
