/**
 * A real vocabulary through the API (issue 11, item 3): a picture in which the detector found a cat,
 * and one the user tagged "cat" themselves, are found by "animal", "pet" and "kitten" — words that
 * appear nowhere on them — and a detected car by "vehicle"; unrelated queries find none of them.
 * The detector here names what it sees by a fixed rule on the picture's width (no photo of a cat
 * the real model is sure of belongs in this repository); the analyzer, processing and search are the
 * real ones. The test judges the hits found by words (`reason.by` text or both): the hash embedder
 * used here puts these tiny pictures near any query by chance, which is the meaning ranker's affair.
 * Runs in both modes (vitest.config.ts CLOUD_API_SUITES).
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineAnalyzer } from '../../server/analysis/offline-analyzer.ts';
import type { ObjectDetector } from '../../server/analysis/types.ts';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { accept, postJson } from '../helpers/http.ts';
import { png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const SEES: Record<number, string> = { 96: 'cat', 80: 'car' };
const byWidth: ObjectDetector = {
  model: 'width-rule',
  async detect(imagePath) {
    const label = SEES[(await sharp(imagePath).metadata()).width ?? 0];
    return label ? [{ label, score: 0.91 }] : [];
  },
  close: () => Promise.resolve(),
};

let s: TestServer;
const ids = { detectedCat: '', taggedCat: '', car: '' };

beforeAll(async () => {
  s = await startTestServer({ TROVE_EMBEDDER: 'hash' }, { analyzer: new OfflineAnalyzer({ detector: byWidth }) });
  ids.detectedCat = (await accept(s, await png(1, 96), 'img-0001.png')).uploadId;
  ids.taggedCat = (await accept(s, await png(2, 64), 'img-0002.png')).uploadId;
  ids.car = (await accept(s, await png(3, 80), 'img-0003.png')).uploadId;
  for (const id of Object.values(ids)) expect((await s.waitForUpload(id)).processing_status).toBe('completed');
  const tagged = await s.json(`/api/v1/upload/${ids.taggedCat}`, {
    method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user_tags: ['cat'] }),
  });
  expect(tagged.status).toBe(200);
}, 120_000);

afterAll(() => s?.close());

async function search(query: string) {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', { query });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data.results;
}
/** The files a query finds by their words (the vocabulary works on the full-text side). */
const idsOf = async (query: string) => (await search(query)).filter((r) => r.reason?.by !== 'meaning').map((r) => r.upload_id).sort();

describe('search with the vocabulary', () => {
  it('the files themselves say only "cat" and "car"', async () => {
    const cat = await s.waitForUpload(ids.detectedCat);
    expect(cat.tags).toContain('cat');
    expect(`${cat.summary} ${cat.tags.join(' ')}`).not.toMatch(/animal|pet|kitten|feline/i);
    expect((await s.waitForUpload(ids.car)).tags).toContain('car');
  });

  it('"animal", "pet" and "kitten" find the detected and the tagged cat, and not the car', async () => {
    const cats = [ids.detectedCat, ids.taggedCat].sort();
    expect(await idsOf('animal')).toEqual(cats);
    expect(await idsOf('pet')).toEqual(cats);
    expect(await idsOf('kitten')).toEqual(cats);
    expect(await idsOf('animals')).toEqual(cats);
  });

  it('says why: the hit matched its tag "cat"', async () => {
    const hit = (await search('pet')).find((r) => r.upload_id === ids.detectedCat);
    expect(hit?.reason?.by).not.toBe('meaning');
    expect(hit?.reason?.matched).toContain('cat');
  });

  it('"vehicle" finds the car and no cat', async () => {
    expect(await idsOf('vehicle')).toEqual([ids.car]);
  });

  it('unrelated words, and an excluded label, find none of them', async () => {
    expect(await idsOf('invoice')).toEqual([]);
    expect(await idsOf('furniture')).toEqual([]);
    expect(await idsOf('"animal"')).toEqual([]);
    expect(await idsOf('animal -cat')).toEqual([]);
  });
});
