/**
 * The NSFW flag through the API: stored in the file's metadata (never in its summary or tags), and
 * `nsfw: include | exclude | only` on POST /search. The classifier here flags pictures 96 px wide —
 * a fixed rule, because no picture that the real model flags belongs in this repository; the real
 * analyzer, processing and search run as they do in production.
 */
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineAnalyzer } from '../../server/analysis/offline-analyzer.ts';
import type { NsfwClassifier } from '../../server/analysis/types.ts';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { accept, metadata, postJson } from '../helpers/http.ts';
import { png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const byWidth: NsfwClassifier = {
  model: 'width-rule',
  async classify(imagePath) {
    const flagged = (await sharp(imagePath).metadata()).width === 96;
    return { nsfw: flagged, score: flagged ? 0.93 : 0.01 };
  },
  close: () => Promise.resolve(),
};

let s: TestServer;
const ids = { flagged: '', clean: '' };

beforeAll(async () => {
  s = await startTestServer({ TROVE_EMBEDDER: 'hash' }, { analyzer: new OfflineAnalyzer({ nsfw: byWidth }) });
  ids.flagged = (await accept(s, await png(1, 96), 'beach.png')).uploadId;
  ids.clean = (await accept(s, await png(2, 64), 'beach-2.png')).uploadId;
  for (const id of Object.values(ids)) expect((await s.waitForUpload(id)).processing_status).toBe('completed');
}, 120_000);

afterAll(() => s?.close());

async function found(body: Record<string, unknown>): Promise<string[]> {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', { query: 'beach', ...body });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data.results.map((r) => r.upload_id);
}

describe('NSFW flag', () => {
  it('is stored in metadata, never in the summary or tags', async () => {
    const flagged = await metadata(s, ids.flagged);
    expect(flagged.metadata.nsfw).toEqual({ flagged: true, score: 0.93 });
    expect(`${flagged.summary} ${flagged.tags.join(' ')}`).not.toMatch(/nsfw|explicit|adult/i);
    expect((await metadata(s, ids.clean)).metadata.nsfw).toEqual({ flagged: false, score: 0.01 });
  });

  it('search includes flagged files by default; exclude leaves them out; only keeps just them', async () => {
    expect((await found({})).sort()).toEqual([ids.flagged, ids.clean].sort());
    expect((await found({ nsfw: 'include' })).sort()).toEqual([ids.flagged, ids.clean].sort());
    expect(await found({ nsfw: 'exclude' })).toEqual([ids.clean]);
    expect(await found({ nsfw: 'only' })).toEqual([ids.flagged]);
  });

  it('rejects an unknown nsfw value', async () => {
    const res = await postJson(s, '/api/v1/search', { query: 'beach', nsfw: 'hide' }, { code: 'VALIDATION_ERROR' });
    expect(res.status).toBe(400);
  });
});
