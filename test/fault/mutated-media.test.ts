/**
 * A mutated media corpus against the real server: small valid JPEG/PNG/PDF/MP4/MP3 files, then
 * deterministic damage (truncation at several points, seeded bit flips, zeroed or swapped headers).
 * Every upload is refused at the door with a stable 4xx code, or settles as `completed` or `failed`
 * with a known code — never stuck in `pending`/`processing` — and the server stays healthy.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_CODES, isErrorCode } from '../../shared/api/errors.ts';
import { ffmpegPath } from '../../shared/node/media/tools.ts';
import { expectEnvelope } from '../helpers/http.ts';
import { jpegWithExif, pdfWithText, png } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { prng } from '../helpers/prng.ts';

const execFileAsync = promisify(execFile);


const truncateAt = (b: Buffer, f: number) => Buffer.from(b.subarray(0, Math.max(1, Math.floor(b.length * f))));
function bitFlips(b: Buffer, seed: number, count: number, skip = 16): Buffer {
  const out = Buffer.from(b);
  const rnd = prng(seed);
  for (let i = 0; i < count; i++) {
    const at = skip + Math.floor(rnd() * (out.length - skip));
    out[at] = out[at]! ^ (1 << Math.floor(rnd() * 8));
  }
  return out;
}
function zeroed(b: Buffer, from: number, length: number): Buffer {
  const out = Buffer.from(b);
  out.fill(0, from, Math.min(out.length, from + length));
  return out;
}
const withMagic = (b: Buffer, magic: Buffer) => Buffer.concat([magic, b.subarray(magic.length)]);

async function ffmpeg(ext: string, args: string[]): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-mutated-'));
  try {
    const out = path.join(dir, `out.${ext}`);
    await execFileAsync(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args, out]);
    return await fs.readFile(out);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

const MAGIC = {
  jpeg: Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  png: Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  pdf: Buffer.from('%PDF-1.7\n'),
  mp3: Buffer.from('ID3\u0003\u0000', 'latin1'),
};

interface Case { name: string; bytes: Buffer }
let s: TestServer;
const corpus: Case[] = [];
const outcomes: { name: string; status: number; code?: string; final?: string; processingCode?: string }[] = [];

beforeAll(async () => {
  const [jpeg, pngBytes, pdf, mp4, mp3] = await Promise.all([
    jpegWithExif({ make: 'Nikon', model: 'Z6', width: 200, height: 150 }),
    png(3, 48),
    pdfWithText(['A short page of text that will be damaged in many ways.']),
    ffmpeg('mp4', ['-f', 'lavfi', '-i', 'testsrc=duration=1:size=96x64:rate=8', '-f', 'lavfi', '-i', 'sine=frequency=440:duration=1',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-movflags', '+faststart']),
    ffmpeg('mp3', ['-f', 'lavfi', '-i', 'sine=frequency=660:duration=1', '-c:a', 'libmp3lame', '-b:a', '32k', '-id3v2_version', '3', '-metadata', 'title=Mutated']),
  ]);
  const sources: [string, Buffer][] = [['jpg', jpeg], ['png', pngBytes], ['pdf', pdf], ['mp4', mp4], ['mp3', mp3]];
  for (const [ext, b] of sources) {
    corpus.push({ name: `valid.${ext}`, bytes: b });
    for (const f of [0.1, 0.5, 0.9]) corpus.push({ name: `trunc-${f}.${ext}`, bytes: truncateAt(b, f) });
    corpus.push({ name: `flips-a.${ext}`, bytes: bitFlips(b, ext.charCodeAt(0) * 7919, 8) });
    corpus.push({ name: `flips-b.${ext}`, bytes: bitFlips(b, ext.charCodeAt(1) * 104729, 64) });
    corpus.push({ name: `zero-header.${ext}`, bytes: zeroed(b, 0, 64) });
  }
  // Swapped magic bytes: one format's body behind another format's signature.
  corpus.push({ name: 'png-as-jpeg.jpg', bytes: withMagic(pngBytes, MAGIC.jpeg) });
  corpus.push({ name: 'jpeg-as-png.png', bytes: withMagic(jpeg, MAGIC.png) });
  corpus.push({ name: 'mp3-as-pdf.pdf', bytes: withMagic(mp3, MAGIC.pdf) });
  corpus.push({ name: 'pdf-as-mp3.mp3', bytes: withMagic(pdf, MAGIC.mp3) });
  corpus.push({ name: 'mp4-zeroed-moov.mp4', bytes: zeroed(mp4, 24, 256) });
  corpus.push({ name: 'jpeg-only-magic.jpg', bytes: Buffer.from(MAGIC.jpeg) });
  s = await startTestServer();
}, 60_000);

afterAll(async () => {
  await s?.close();
});

describe('mutated media corpus', () => {
  it('has about 30 distinct files', () => {
    expect(corpus.length).toBeGreaterThanOrEqual(30);
  });

  it('every upload is refused with a stable 4xx code or settles completed/failed with a known code', async () => {
    const accepted: { name: string; id: string }[] = [];
    for (const c of corpus) {
      const res = await s.upload(c.bytes, c.name);
      expect(res.status, `${c.name}: ${JSON.stringify(res.body)}`).toBeLessThan(500);
      if (res.status === 202 || res.status === 200) {
        expectEnvelope(res.body, 'success');
        if (!res.body.data.duplicate) accepted.push({ name: c.name, id: res.body.data.upload_id });
        else outcomes.push({ name: c.name, status: res.status, final: 'duplicate' });
      } else {
        const code = res.body.error?.code;
        expect(isErrorCode(code), `${c.name}: ${JSON.stringify(res.body)}`).toBe(true);
        expectEnvelope(res.body, { code: code! });
        expect(ERROR_CODES[code as keyof typeof ERROR_CODES].status).toBe(res.status);
        outcomes.push({ name: c.name, status: res.status, code });
      }
    }
    const settled = await Promise.all(accepted.map(async (a) => ({ a, u: await s.waitForUpload(a.id, { timeoutMs: 60_000 }) })));
    for (const { a, u } of settled) {
      expect(['completed', 'failed'], a.name).toContain(u.processing_status);
      if (u.processing_status === 'failed') {
        expect(isErrorCode(u.processing_error?.code), `${a.name}: ${JSON.stringify(u.processing_error)}`).toBe(true);
        expect(u.processing_error!.message.length, a.name).toBeGreaterThan(5);
      }
      outcomes.push({ name: a.name, status: 202, final: u.processing_status, processingCode: u.processing_error?.code });
    }
    // The undamaged originals are processed in full.
    for (const ext of ['jpg', 'png', 'pdf', 'mp4', 'mp3']) {
      expect(outcomes.find((o) => o.name === `valid.${ext}`)?.final, ext).toBe('completed');
    }
    console.info(`[mutated-media] ${outcomes.map((o) => `${o.name}=${o.code ?? `${o.final}${o.processingCode ? `:${o.processingCode}` : ''}`}`).join(' ')}`);
  }, 120_000);

  it('the server stays healthy and listings still work', async () => {
    const health = await s.json<{ status: string }>('/api/v1/health');
    expect(health.status).toBe(200);
    const list = await s.json<{ total: number }>('/api/v1/uploads?limit=100');
    expect(list.status).toBe(200);
    expect(list.body.data.total).toBe(outcomes.filter((o) => o.final === 'completed' || o.final === 'failed').length);
    const pending = await s.json<{ total: number }>('/api/v1/uploads?status=processing');
    expect(pending.body.data.total).toBe(0);
  });
});
