/**
 * Sounds that aren't speech (issue 11, item 4) over real HTTP, in both modes: an instrumental
 * recording without tags or a telling name is found by "music" — its summary names it, with its beat
 * — and continuous noise by "noise", each ahead of the other; neither is called speech.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { accept, metadata, postJson } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { makeSound } from '../helpers/sounds.ts';

let s: TestServer;
let dir: string;
const ids = { music: '', noise: '' };

async function search(query: string) {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', { query, file_types: ['audio'] });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data.results;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-sound-kinds-'));
  s = await startTestServer();
  // Names that say nothing, no tags: only the signal can tell what these are.
  ids.music = (await accept(s, await fs.readFile(await makeSound(dir, 'music', 'rec-0001.ogg', ['-c:a', 'libvorbis'])), 'rec-0001.ogg')).uploadId;
  ids.noise = (await accept(s, await fs.readFile(await makeSound(dir, 'noise', 'rec-0002.wav')), 'rec-0002.wav')).uploadId;
  for (const id of Object.values(ids)) expect((await s.waitForUpload(id, { timeoutMs: 240_000 })).processing_status).toBe('completed');
}, 360_000);

afterAll(async () => {
  await s?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('sounds that are not speech', () => {
  it('the instrumental recording says it is music, with its beat, and is not called speech', async () => {
    const m = await metadata(s, ids.music);
    expect(m.summary).toMatch(/Music, about 120 BPM, 20 s\./);
    expect(m.tags).toContain('music');
    expect(m.tags).not.toContain('speech');
  });

  it('"music" finds the instrumental recording first', async () => {
    const results = await search('music');
    expect(results[0]?.upload_id, JSON.stringify(results.map((r) => [r.filename, r.similarity_score, r.reason, r.summary]))).toBe(ids.music);
    expect(results[0]!.reason?.matched ?? []).toContain('music');
  });

  it('"noise" finds the continuous noise first', async () => {
    const m = await metadata(s, ids.noise);
    expect(m.summary).toMatch(/Continuous noise, 5 s\./);
    const results = await search('noise');
    expect(results[0]?.upload_id, JSON.stringify(results.map((r) => [r.filename, r.similarity_score, r.reason, r.summary]))).toBe(ids.noise);
  });
});
