/**
 * Small test media made on the fly (sharp, the bundled ffmpeg, pdf-lib), so the API tests need no
 * checked-in fixtures. Each generator returns the file's bytes.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { crc32 } from 'node:zlib';
import { PDFDocument, PDFHexString, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';

const execFileAsync = promisify(execFile);
const require = createRequire(import.meta.url);
const ffmpegBin = (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;

/** A JPEG with real EXIF (camera make/model, capture time, exposure), so analysis has words to find. */
export function jpegWithExif(opts: { make: string; model: string; width?: number; height?: number; color?: string }): Promise<Buffer> {
  return sharp({ create: { width: opts.width ?? 320, height: opts.height ?? 240, channels: 3, background: opts.color ?? '#3a7bd5' } })
    .jpeg({ quality: 80 })
    .withExif({
      IFD0: { Make: opts.make, Model: opts.model, DateTime: '2021:06:15 14:30:00' },
      IFD2: { DateTimeOriginal: '2021:06:15 14:30:00', ExposureTime: '1/250', FNumber: '28/10', ISOSpeedRatings: '200' },
    })
    .toBuffer();
}

/** A plain PNG of one colour; `seed` changes the bytes so each call can be a distinct upload. */
export function png(seed = 0, size = 64): Promise<Buffer> {
  const c = (seed * 47) % 256;
  return sharp({ create: { width: size, height: size, channels: 3, background: { r: c, g: 255 - c, b: (seed * 13) % 256 } } }).png().toBuffer();
}

/** A PDF with one page of known text and a title. */
export async function pdfWithText(lines: string[], title = 'Test document'): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(title);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 720 - i * 24, size: 16, font }));
  return Buffer.from(await doc.save());
}

/**
 * pdf-lib cannot encrypt, so this adds a Standard security handler (RC4, revision 2) whose /O and /U
 * entries match no password: what a reader sees for a PDF that needs an unknown user password.
 */
export async function encryptedPdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage().drawText('secret', { x: 50, y: 700, size: 24, font: await doc.embedFont(StandardFonts.Helvetica) });
  const bytes = (seed: number, n: number) => PDFHexString.of(Buffer.from(Array.from({ length: n }, (_, i) => (i * 37 + seed) & 255)).toString('hex'));
  const encrypt = doc.context.obj({ Filter: 'Standard', V: 1, R: 2, O: bytes(11, 32), U: bytes(97, 32), P: -4 });
  doc.context.trailerInfo.Encrypt = doc.context.register(encrypt);
  doc.context.trailerInfo.ID = doc.context.obj([bytes(5, 16), bytes(5, 16)]);
  return Buffer.from(await doc.save({ useObjectStreams: false }));
}

/** Runs ffmpeg into a temp file and returns the bytes. */
async function ffmpegToBuffer(ext: string, args: string[]): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-api-media-'));
  const out = path.join(dir, `out.${ext}`);
  try {
    await execFileAsync(ffmpegBin, ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args, out]);
    return await fs.readFile(out);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/**
 * A test-pattern H.264 video with a 440 Hz AAC tone, 160×120 at 10 fps. With `faststart: false` the
 * index (moov) is written after the media data, as cameras do.
 */
export function mp4(seconds = 2, opts: { faststart?: boolean } = {}): Promise<Buffer> {
  return ffmpegToBuffer('mp4', [
    '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=160x120:rate=10`,
    '-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`,
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest',
    ...(opts.faststart === false ? [] : ['-movflags', '+faststart']),
  ]);
}

/**
 * A silent H.264 clip that shows one still picture for `seconds` (e.g. a real photo from
 * test/fixtures/images), flattened onto white: what a phone's slideshow or a static shot looks like.
 */
export async function mp4OfPicture(picture: string, seconds = 12): Promise<Buffer> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'trove-api-still-'));
  try {
    const still = path.join(dir, 'still.jpg');
    await sharp(picture).flatten({ background: '#ffffff' }).resize({ width: 480, height: 480, fit: 'contain', background: '#ffffff' }).jpeg().toFile(still);
    return await ffmpegToBuffer('mp4', [
      '-loop', '1', '-i', still, '-t', String(seconds), '-r', '5',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-movflags', '+faststart',
    ]);
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** An MP3 tone with ID3v2 tags. */
export function mp3WithTags(tags: { title: string; artist: string; album: string }, seconds = 2): Promise<Buffer> {
  return ffmpegToBuffer('mp3', [
    '-f', 'lavfi', '-i', `sine=frequency=660:duration=${seconds}`,
    '-c:a', 'libmp3lame', '-b:a', '64k', '-id3v2_version', '3',
    '-metadata', `title=${tags.title}`, '-metadata', `artist=${tags.artist}`, '-metadata', `album=${tags.album}`,
  ]);
}

/** The first `fraction` of the bytes: what an interrupted copy leaves behind. */
export const truncated = (bytes: Buffer, fraction = 0.5): Buffer => bytes.subarray(0, Math.floor(bytes.length * fraction));

function pngChunk(type: string, data: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([length, body, crc]);
}

/** A PNG whose (valid) header claims `width`×`height` but carries a few bytes of data: a decompression bomb. */
export function pngBomb(width = 50_000, height = 50_000): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A valid ZIP archive (stored, one entry), built by hand. */
export function zip(name = 'hello.txt', content = 'hello from a zip archive'): Buffer {
  const data = Buffer.from(content);
  const fileName = Buffer.from(name);
  const crc = crc32(data) >>> 0;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(10, 4); // version needed
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(fileName.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(10, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(fileName.length, 28);
  const centralOffset = local.length + fileName.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + fileName.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, fileName, data, central, fileName, end]);
}

/** Bytes no format claims (a fixed high-entropy prefix that is not valid UTF-8, then random). */
export function randomBinary(size = 4096): Buffer {
  return Buffer.concat([Buffer.from([0x00, 0xff, 0xfe, 0x00, 0x13, 0x37, 0x00, 0x00]), randomBytes(size)]);
}

// The moment inside a file (test/api/moments.test.ts, test/e2e/moments.spec.ts).

/** The phrase on page MOMENT_PAGE of hundredPagePdf(), and nowhere else. */
export const MOMENT_PHRASE = 'quokka lighthouse zanzibar';
export const MOMENT_PAGE = 80;
const MANUAL_WORDS = ['harbour', 'ledger', 'quarterly', 'inventory', 'shipment', 'invoice', 'warehouse', 'customs', 'tariff', 'manifest'];

/** 100 pages of ~900 characters each (so page 80 lies far past the first 10 000), the phrase on page 80 only. */
export async function hundredPagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle('Operations manual');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let n = 1; n <= 100; n++) {
    const page = doc.addPage([612, 792]);
    page.drawText(`Chapter ${n}`, { x: 50, y: 740, size: 18, font });
    for (let line = 0; line < 14; line++) {
      const words = Array.from({ length: 9 }, (_, i) => MANUAL_WORDS[(n * 7 + line * 3 + i) % MANUAL_WORDS.length]);
      const text = n === MOMENT_PAGE && line === 6 ? `The ${MOMENT_PHRASE} stands at the end of the pier.` : `Section ${n}.${line}: ${words.join(' ')}.`;
      page.drawText(text, { x: 50, y: 700 - line * 24, size: 11, font });
    }
  }
  return Buffer.from(await doc.save());
}

/** A sentence, four seconds of silence, then another: the word "people" is said only in the second half. */
export async function twoPartSpeech(dir: string): Promise<{ wav: Buffer; seconds: number }> {
  const first = path.join(dir, 'first.wav');
  const second = path.join(dir, 'second.wav');
  const out = path.join(dir, 'speech.wav');
  // Public domain (1776, 1863); these sentences reliably bring back some of their words (pocketsphinx tests).
  await execFileAsync('espeak-ng', ['-s', '140', '-w', first, 'We hold these truths to be self evident, that all men are created equal']);
  await execFileAsync('espeak-ng', ['-s', '175', '-w', second, 'Government of the people, by the people, for the people, shall not perish from the earth']);
  await execFileAsync(ffmpegBin, ['-v', 'error', '-y', '-i', first, '-f', 'lavfi', '-t', '4', '-i', 'anullsrc=r=22050:cl=mono', '-i', second,
    '-filter_complex', '[0][1][2]concat=n=3:v=0:a=1', '-ac', '1', '-ar', '22050', out]);
  const wav = await fs.readFile(out);
  return { wav, seconds: (wav.length - 44) / (22050 * 2) };
}
