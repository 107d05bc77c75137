/**
 * The moment inside a file (issue 11, items 6 and 7) over real HTTP, in both modes: a phrase from
 * page 80 of a 100-page PDF finds the document (its own text holds only the opening pages) and the
 * hit says page 80; a word spoken in the second half of a recording (espeak-ng, heard by
 * pocketsphinx) finds it with a moment that starts in that half.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { installed } from '../helpers/programs.ts';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { accept, postJson } from '../helpers/http.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

const require = createRequire(import.meta.url);
const ffmpegBin = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

const haveSpeech = installed('pocketsphinx_continuous') && installed('espeak-ng');
if (!haveSpeech) console.warn('Skipping the spoken-moment test: install pocketsphinx, pocketsphinx-en-us and espeak-ng (.ci/run does).');

const PHRASE = 'quokka lighthouse zanzibar';
const PAGE = 80;
const WORDS = ['harbour', 'ledger', 'quarterly', 'inventory', 'shipment', 'invoice', 'warehouse', 'customs', 'tariff', 'manifest'];

/** 100 pages of ~900 characters each (so page 80 lies far past the first 10 000), the phrase on page 80 only. */
async function hundredPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle('Operations manual');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= 100; n++) {
    const page = doc.addPage([612, 792]);
    page.drawText(`Chapter ${n}`, { x: 50, y: 740, size: 18, font });
    for (let line = 0; line < 14; line++) {
      const words = Array.from({ length: 9 }, (_, i) => WORDS[(n * 7 + line * 3 + i) % WORDS.length]);
      const text = n === PAGE && line === 6 ? `The ${PHRASE} stands at the end of the pier.` : `Section ${n}.${line}: ${words.join(' ')}.`;
      page.drawText(text, { x: 50, y: 700 - line * 24, size: 11, font });
    }
  }
  return Buffer.from(await doc.save());
}

/** A sentence, four seconds of silence, then another: the word "people" is said only in the second half. */
async function twoPartSpeech(dir: string): Promise<{ wav: Buffer; seconds: number }> {
  const first = path.join(dir, 'first.wav');
  const second = path.join(dir, 'second.wav');
  const out = path.join(dir, 'speech.wav');
  // Public domain (1776, 1863); these sentences reliably bring back some of their words (pocketsphinx tests).
  execFileSync('espeak-ng', ['-s', '140', '-w', first, 'We hold these truths to be self evident, that all men are created equal']);
  execFileSync('espeak-ng', ['-s', '175', '-w', second, 'Government of the people, by the people, for the people, shall not perish from the earth']);
  execFileSync(ffmpegBin, ['-v', 'error', '-y', '-i', first, '-f', 'lavfi', '-t', '4', '-i', 'anullsrc=r=22050:cl=mono', '-i', second,
    '-filter_complex', '[0][1][2]concat=n=3:v=0:a=1', '-ac', '1', '-ar', '22050', out]);
  const wav = await fs.readFile(out);
  return { wav, seconds: (wav.length - 44) / (22050 * 2) };
}

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
    const results = await search(PHRASE);
    const hit = results.find((r) => r.upload_id === ids.pdf);
    expect(hit, JSON.stringify(results)).toBeDefined();
    expect(hit!.moment?.page).toBe(PAGE);
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
