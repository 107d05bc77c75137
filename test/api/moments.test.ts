/**
 * The moment inside a file (issue 11, items 6 and 7) over real HTTP, in both modes: a phrase from
 * page 80 of a 100-page PDF finds the document (its own text holds only the opening pages) and the
 * hit says page 80; a word spoken in the second half of a recording (espeak-ng, heard by
 * pocketsphinx) finds it with a moment that starts in that half.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installed } from '../helpers/programs.ts';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { accept, postJson } from '../helpers/http.ts';
import { MOMENT_PAGE, MOMENT_PHRASE, hundredPagePdf, twoPartSpeech } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const haveSpeech = installed('pocketsphinx_continuous') && installed('espeak-ng');
if (!haveSpeech) console.warn('Skipping the spoken-moment test: install pocketsphinx, pocketsphinx-en-us and espeak-ng (.ci/run does).');

let s: TestServer;
let dir: string;
const ids = { pdf: '', speech: '' };
let speechSeconds = 0;

async function search(query: string) {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', { query });
  expect(res.status, JSON.stringify(res.body.error)).toBe(200);
  return res.body.data.results;
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-moments-'));
  s = await startTestServer();
  ids.pdf = (await accept(s, await hundredPagePdf(), 'manual.pdf')).uploadId;
  if (haveSpeech) {
    const { wav, seconds } = await twoPartSpeech(dir);
    speechSeconds = seconds;
    ids.speech = (await accept(s, wav, 'recording-0001.wav')).uploadId;
  }
  for (const id of Object.values(ids).filter(Boolean)) expect((await s.waitForUpload(id, { timeoutMs: 150_000 })).processing_status).toBe('completed');
}, 240_000);

afterAll(async () => {
  await s?.close();
  if (dir) await fs.rm(dir, { recursive: true, force: true });
});

describe('the moment inside a file', () => {
  it('a phrase from page 80 of a 100-page PDF finds the document, and the hit says page 80', async () => {
    const results = await search(MOMENT_PHRASE);
    const hit = results.find((r) => r.upload_id === ids.pdf);
    expect(hit, JSON.stringify(results)).toBeDefined();
    expect(hit!.moment?.page).toBe(MOMENT_PAGE);
    expect(hit!.moment?.text.toLowerCase()).toContain('quokka');
    expect(hit!.moment?.start_s).toBeUndefined();
  });

  it('a word found on an early page points at that page, not at page 80', async () => {
    const results = await search('Chapter 3');
    const hit = results.find((r) => r.upload_id === ids.pdf);
    expect(hit?.moment?.page).toBe(3);
  });

  it('the document no longer says only its first part is indexed', async () => {
    const u = await s.waitForUpload(ids.pdf);
    expect(u.summary).not.toMatch(/only the first part/);
    expect(u.summary).toMatch(/every page is searchable/);
  });

  it.skipIf(!haveSpeech)('a word said in the second half of a recording finds it, with a moment in that half', async () => {
    const results = await search('people');
    const hit = results.find((r) => r.upload_id === ids.speech);
    expect(hit, JSON.stringify(results)).toBeDefined();
    const moment = hit!.moment;
    expect(moment, JSON.stringify(hit)).toBeDefined();
    expect(moment!.page).toBeUndefined();
    expect(moment!.start_s).toBeGreaterThanOrEqual(speechSeconds / 2);
    expect(moment!.end_s).toBeGreaterThan(moment!.start_s!);
    expect(moment!.end_s).toBeLessThanOrEqual(speechSeconds + 0.5);
    expect(moment!.text.toLowerCase()).toContain('people');
  });

  it('a file searched for by filters only carries no moment', async () => {
    const res = await postJson<SearchResponse>(s, '/api/v1/search', { query: 'pdf' });
    expect(res.status).toBe(200);
    for (const r of res.body.data.results) expect(r.moment).toBeUndefined();
  });
});
