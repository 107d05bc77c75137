import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { looksLikeText, normaliseMime, sniffFile } from '../../../shared/node/media/sniff.ts';
import { expectTroveError, ffmpeg, makeDocx, makeTempDir } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
const file = (name: string): string => join(dir, name);

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('sniff'));
  const img = () => sharp({ create: { width: 16, height: 16, channels: 3, background: '#3366cc' } });
  const pdf = await PDFDocument.create();
  pdf.addPage();
  const zip = new JSZip();
  zip.file('notes/readme.txt', 'just a zip');
  await Promise.all([
    img().jpeg().toFile(file('photo.jpeg')),
    img().png().toFile(file('picture.png')),
    // Bytes win over names: a PNG called .jpg is a PNG.
    img().png().toFile(file('really-png.jpg')),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x48:rate=5', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', file('clip.mp4')]),
    ffmpeg(['-f', 'lavfi', '-i', 'testsrc=duration=1:size=64x48:rate=5', file('clip.mkv')]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=1', file('tone.mp3')]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=1', file('tone.m4a')]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=1', file('tone.opus')]),
    ffmpeg(['-f', 'lavfi', '-i', 'sine=duration=1', file('tone.wav')]),
    pdf.save().then((bytes) => writeFile(file('doc.pdf'), bytes)),
    makeDocx(['Dear reader']).then((bytes) => writeFile(file('letter.docx'), bytes)),
    zip.generateAsync({ type: 'nodebuffer' }).then((bytes) => writeFile(file('archive.zip'), bytes)),
    writeFile(file('notes.txt'), 'Shopping list:\n- eggs\n- café crème ☕\n'),
    writeFile(file('README.md'), '# Trove\n\nSearch *everything*.\n'),
    writeFile(file('utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße aus Köln\r\n', 'utf16le')])),
    writeFile(file('photo.jpg'), 'I am not really a photo, just some words.\n'),
    writeFile(file('empty.png'), ''),
    writeFile(file('random.bin'), Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256))),
    // Long multi-byte text: the 64 KB probe ends in the middle of a 3-byte character.
    writeFile(file('long.txt'), 'a' + '€'.repeat(30_000)),
  ]);
});
afterAll(() => cleanup());

describe('sniffFile', () => {
  it.each([
    ['photo.jpeg', 'image/jpeg', 'image', 'jpg'],
    ['picture.png', 'image/png', 'image', 'png'],
    ['really-png.jpg', 'image/png', 'image', 'png'],
    ['clip.mp4', 'video/mp4', 'video', 'mp4'],
    ['clip.mkv', 'video/x-matroska', 'video', 'mkv'],
    ['tone.mp3', 'audio/mpeg', 'audio', 'mp3'],
    ['tone.m4a', 'audio/mp4', 'audio', 'm4a'],
    ['tone.opus', 'audio/opus', 'audio', 'opus'],
    ['tone.wav', 'audio/wav', 'audio', 'wav'],
    ['doc.pdf', 'application/pdf', 'document', 'pdf'],
    ['letter.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'document', 'docx'],
    ['notes.txt', 'text/plain', 'document', 'txt'],
    ['README.md', 'text/markdown', 'document', 'md'],
    ['utf16.txt', 'text/plain', 'document', 'txt'],
    ['long.txt', 'text/plain', 'document', 'txt'],
  ])('%s → %s', async (name, mime, fileType, ext) => {
    expect(await sniffFile(file(name), name)).toEqual({ mime, fileType, ext });
  });

  it('ignores the client name for the type: a mislabelled MP3 upload is still audio', async () => {
    expect(await sniffFile(file('tone.mp3'), 'holiday.pdf')).toMatchObject({ mime: 'audio/mpeg', fileType: 'audio' });
  });

  it('uses the name only to tell Markdown from plain text', async () => {
    expect((await sniffFile(file('notes.txt'), 'notes.markdown')).mime).toBe('text/markdown');
    expect((await sniffFile(file('README.md'), 'README')).mime).toBe('text/plain');
  });

  it('rejects text that is named like a photo with TYPE_MISMATCH', async () => {
    const err = await expectTroveError(sniffFile(file('photo.jpg'), 'photo.jpg'), 'TYPE_MISMATCH');
    expect(err.message).toContain("named '.jpg' but contains plain text");
  });

  it('rejects a 0-byte file with EMPTY_FILE', async () => {
    await expectTroveError(sniffFile(file('empty.png'), 'empty.png'), 'EMPTY_FILE');
  });

  it('rejects unknown binary data with UNSUPPORTED_FILE_TYPE', async () => {
    await expectTroveError(sniffFile(file('random.bin'), 'random.bin'), 'UNSUPPORTED_FILE_TYPE');
  });

  it('names the detected type when it is known but unsupported', async () => {
    const err = await expectTroveError(sniffFile(file('archive.zip'), 'archive.docx'), 'UNSUPPORTED_FILE_TYPE');
    expect(err.message).toContain('application/zip');
  });

  it('reports a missing file as our failure, not the user’s', async () => {
    await expectTroveError(sniffFile(file('gone.txt'), 'gone.txt'), 'PROCESSING_FAILED');
  });
});

describe('normaliseMime', () => {
  it.each([
    ['audio/x-flac', 'audio/flac'],
    ['audio/x-m4a', 'audio/mp4'],
    ['audio/x-wav', 'audio/wav'],
    ['audio/ogg; codecs=opus', 'audio/opus'],
    ['video/x-m4v', 'video/mp4'],
    ['video/matroska', 'video/x-matroska'],
    ['video/vnd.avi', 'video/x-msvideo'],
    ['Image/JPEG', 'image/jpeg'],
    ['text/plain; charset=utf-8', 'text/plain'],
  ])('%s → %s', (input, expected) => {
    expect(normaliseMime(input)).toBe(expected);
  });
});

describe('looksLikeText', () => {
  it('accepts UTF-8 with and without BOM, and UTF-16 with a BOM', () => {
    expect(looksLikeText(Buffer.from('plain words\n'))).toBe(true);
    expect(looksLikeText(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('bom')]))).toBe(true);
    expect(looksLikeText(Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from('\u0000h\u0000i', 'latin1')]))).toBe(true);
  });

  it('refuses NUL bytes, invalid UTF-8 and control-heavy data', () => {
    expect(looksLikeText(Buffer.from('abc\u0000def'))).toBe(false);
    expect(looksLikeText(Buffer.from([0x61, 0xc3, 0x28, 0x62]))).toBe(false);
    expect(looksLikeText(Buffer.from('\u0001\u0002\u0003abcdefgh'.repeat(10)))).toBe(false);
  });
});
