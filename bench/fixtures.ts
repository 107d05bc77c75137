/**
 * Media the benchmarks feed Trove, made on the fly (sharp, the bundled ffmpeg, pdf-lib) so no
 * fixture is checked in. `seed` makes each file's bytes distinct (Trove answers repeated bytes as
 * a duplicate without processing them).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs/promises';
import { promisify } from 'node:util';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { ffmpegPath } from '../shared/node/media/tools.ts';
import { TOPICS } from './corpus.ts';

const run = promisify(execFile);

export async function ffmpeg(args: string[]): Promise<void> {
  await run(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args], { maxBuffer: 16 * 1024 * 1024 });
}

/** A photo-like JPEG (smooth gradient plus sensor-like noise), with EXIF so analysis has words to use. */
export async function photoJpeg(width: number, height: number, seed = 0, quality = 88): Promise<Buffer> {
  const noise = await sharp({ create: { width, height, channels: 3, background: '#808080', noise: { type: 'gaussian', mean: 128, sigma: 24 } } })
    .raw().toBuffer();
  const hue = (seed * 37) % 256;
  const gradient = Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
      <stop offset="0" stop-color="rgb(${hue},120,200)"/><stop offset="1" stop-color="rgb(250,${(hue + 90) % 256},60)"/>
    </linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/></svg>`);
  return sharp(gradient)
    .composite([{ input: noise, raw: { width, height, channels: 3 }, blend: 'soft-light' }])
    .jpeg({ quality })
    .withExif({ IFD0: { Make: 'Canon', Model: `EOS R${seed % 10}`, DateTime: '2023:07:14 19:32:10' }, IFD2: { DateTimeOriginal: '2023:07:14 19:32:10' } })
    .toBuffer();
}

/** An H.264/AAC MP4 (moving test pattern + tone) written to `out`. */
export async function videoFile(out: string, opts: { seconds: number; width: number; height: number; seed?: number }): Promise<void> {
  const seed = opts.seed ?? 0;
  await ffmpeg([
    '-f', 'lavfi', '-i', `testsrc2=duration=${opts.seconds}:size=${opts.width}x${opts.height}:rate=25`,
    '-f', 'lavfi', '-i', `sine=frequency=${220 + seed * 7}:duration=${opts.seconds}`,
    '-metadata', `title=Clip ${seed}`,
    '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-b:a', '96k', '-shortest',
    '-movflags', '+faststart', out,
  ]);
}

/** An MP3 tone with ID3 tags. */
export async function audioFile(out: string, opts: { seconds: number; seed?: number }): Promise<void> {
  const seed = opts.seed ?? 0;
  await ffmpeg([
    '-f', 'lavfi', '-i', `sine=frequency=${330 + seed * 11}:duration=${opts.seconds}`,
    '-c:a', 'libmp3lame', '-b:a', '128k', '-id3v2_version', '3',
    '-metadata', `title=Recording ${seed}`, '-metadata', 'artist=Bench Band', '-metadata', 'album=Benchmarks',
    out,
  ]);
}

/** A one-page PDF with a few lines of text. */
export async function pdfFile(seed = 0): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.setTitle(`Report ${seed}`);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const page = doc.addPage([612, 792]);
  const lines = [`Report number ${seed}`, ...TOPICS.slice(seed % 50, (seed % 50) + 12).map((t) => `About the ${t}.`)];
  lines.forEach((line, i) => page.drawText(line, { x: 50, y: 720 - i * 24, size: 16, font }));
  return Buffer.from(await doc.save());
}

/** A PCM WAV of `bytes` bytes (48 kHz stereo noise): a big file that is cheap to make and to process. */
export async function bigWav(out: string, bytes: number, seed = 0): Promise<void> {
  const dataBytes = bytes - 44;
  const header = Buffer.alloc(44);
  header.write('RIFF', 0);
  header.writeUInt32LE(bytes - 8, 4);
  header.write('WAVEfmt ', 8);
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20); // PCM
  header.writeUInt16LE(2, 22); // stereo
  header.writeUInt32LE(48_000, 24);
  header.writeUInt32LE(48_000 * 4, 28);
  header.writeUInt16LE(4, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36);
  header.writeUInt32LE(dataBytes, 40);
  const handle = await fs.open(out, 'w');
  try {
    await handle.write(header);
    const chunk = Buffer.alloc(1024 * 1024);
    let x = (seed * 2654435761) >>> 0 || 1;
    for (let i = 0; i < chunk.length; i += 4) {
      x ^= x << 13; x >>>= 0; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
      chunk.writeUInt32LE(x & 0x0fff0fff, i); // quiet noise on both channels
    }
    for (let written = 0; written < dataBytes; written += chunk.length) {
      await handle.write(chunk, 0, Math.min(chunk.length, dataBytes - written));
    }
  } finally {
    await handle.close();
  }
}
