import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import JSZip from 'jszip';
import sharp, { type ChannelStats } from 'sharp';
import { expect } from 'vitest';
import { TroveError, type ErrorCode } from '../../../shared/api/errors.ts';
import { ffmpegPath } from '../../../shared/node/media/tools.ts';
import { pngBomb } from '../../helpers/media.ts';

const execFileAsync = promisify(execFile);

export async function makeTempDir(prefix: string): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), `trove-media-${prefix}-`));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Runs the bundled ffmpeg to make test media. */
export async function ffmpeg(args: string[]): Promise<void> {
  await execFileAsync(ffmpegPath(), ['-hide_banner', '-nostdin', '-v', 'error', '-y', ...args]);
}

/** A test-pattern video with a 440 Hz tone: `seconds` long, 320×240 at 10 fps, H.264 + AAC unless `audio` is false. */
export async function makeTestVideo(outPath: string, seconds: number, opts: { audio?: boolean } = {}): Promise<string> {
  const audio = opts.audio ?? true;
  await ffmpeg([
    '-f', 'lavfi', '-i', `testsrc=duration=${seconds}:size=320x240:rate=10`,
    ...(audio ? ['-f', 'lavfi', '-i', `sine=frequency=440:duration=${seconds}`] : []),
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p',
    ...(audio ? ['-c:a', 'aac', '-shortest'] : []),
    outPath,
  ]);
  return outPath;
}

export async function truncateCopy(source: string, outPath: string, fraction = 0.5): Promise<string> {
  const bytes = await readFile(source);
  await writeFile(outPath, bytes.subarray(0, Math.floor(bytes.length * fraction)));
  return outPath;
}

/** A PNG whose header claims `width`×`height` but carries a few bytes: the decompression-bomb shape. */
export const pngWithClaimedSize = (width: number, height: number): Buffer => pngBomb(width, height);

/** Awaits `promise`, expects a TroveError with `code`, and returns it for further checks. */
export async function expectTroveError(promise: Promise<unknown>, code: ErrorCode): Promise<TroveError> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected a TroveError ${code}`).toBeInstanceOf(TroveError);
  const trove = err as TroveError;
  expect(trove.code).toBe(code);
  expect(trove.message.length).toBeGreaterThan(20);
  return trove;
}

/** A minimal but complete .docx (content types, package relationship, main part), one paragraph per entry. */
export async function makeDocx(paragraphs: string[]): Promise<Buffer> {
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">' +
      '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>' +
      '<Default Extension="xml" ContentType="application/xml"/>' +
      '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>' +
      '</Types>',
  );
  zip.file(
    '_rels/.rels',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">' +
      '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>' +
      '</Relationships>',
  );
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${escape(p)}</w:t></w:r></w:p>`).join('');
  zip.file(
    'word/document.xml',
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>' +
      `<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
  );
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

/**
 * Per-channel statistics of a region. sharp's own `.extract().stats()` silently describes the whole
 * input image, so the region is materialised first.
 */
export async function regionStats(
  path: string,
  region: { left: number; top: number; width: number; height: number },
  opts: { greyscale?: boolean } = {},
): Promise<ChannelStats[]> {
  let pipeline = sharp(path).extract(region);
  if (opts.greyscale) pipeline = pipeline.greyscale();
  const pixels = await pipeline.png().toBuffer();
  return (await sharp(pixels).stats()).channels;
}
