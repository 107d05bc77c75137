import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exifDateToIso, hammingDistance, makeThumbnail, perceptualHash, readImageInfo } from '../../../shared/node/media/image.ts';
import { expectTroveError, makeTempDir, pngWithClaimedSize, truncateCopy } from './fixtures.ts';

let dir: string;
let cleanup: () => Promise<void>;
const file = (name: string): string => join(dir, name);

/** Noise-like pixels so the JPEG has a long scan to cut in half (a flat colour compresses to almost nothing). */
function patternPixels(width: number, height: number): Buffer {
  const raw = Buffer.alloc(width * height * 3);
  for (let i = 0; i < raw.length; i++) raw[i] = (i * 7919 + (i >> 5) * 31) & 255;
  return raw;
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('image'));
  // 640×480 stored sideways: orientation 6 means "rotate 90° clockwise to display", i.e. 480×640 upright.
  const exifJpeg = await sharp(patternPixels(640, 480), { raw: { width: 640, height: 480, channels: 3 } })
    .jpeg({ quality: 90 })
    .withExif({
      IFD0: { Make: 'Canon', Model: 'Canon EOS 5D Mark IV' },
      IFD2: {
        DateTimeOriginal: '2021:06:15 14:30:00',
        OffsetTimeOriginal: '+02:00',
        ExposureTime: '1/250',
        FNumber: '28/10',
        ISOSpeedRatings: '200',
        FocalLength: '50/1',
        LensModel: 'EF50mm f/1.8 STM',
      },
      IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 12/1', GPSLongitudeRef: 'W', GPSLongitude: '13/1 24/1 0/1' },
    })
    .withMetadata({ orientation: 6 })
    .toBuffer();
  await writeFile(file('exif.jpg'), exifJpeg);
  await truncateCopy(file('exif.jpg'), file('truncated.jpg'));
  await sharp({ create: { width: 200, height: 100, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } })
    .png()
    .toFile(file('alpha.png'));
  await writeFile(file('bomb.png'), pngWithClaimedSize(50_000, 50_000));
  await writeFile(file('text.jpg'), 'not an image at all\n');
});
afterAll(() => cleanup());

describe('readImageInfo', () => {
  it('reads upright dimensions, orientation and an EXIF summary', async () => {
    const info = await readImageInfo(file('exif.jpg'));
    expect(info).toMatchObject({ width: 480, height: 640, format: 'jpeg', hasAlpha: false, orientation: 6 });
    expect(info.exif).toMatchObject({
      takenAt: '2021-06-15T14:30:00+02:00',
      make: 'Canon',
      model: 'Canon EOS 5D Mark IV',
      lensModel: 'EF50mm f/1.8 STM',
      exposureTime: 0.004,
      fNumber: 2.8,
      iso: 200,
      focalLength: 50,
    });
    expect(info.exif?.gps?.latitude).toBeCloseTo(52.52, 4);
    expect(info.exif?.gps?.longitude).toBeCloseTo(-13.4, 4);
  });

  it('reports alpha and no EXIF for a plain PNG', async () => {
    const info = await readImageInfo(file('alpha.png'));
    expect(info).toEqual({ width: 200, height: 100, format: 'png', hasAlpha: true });
  });

  it('refuses a decompression bomb from its header, before decoding', async () => {
    const started = Date.now();
    const err = await expectTroveError(readImageInfo(file('bomb.png')), 'IMAGE_TOO_LARGE');
    expect(err.message).toContain('50000×50000');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('honours a configurable pixel limit', async () => {
    await expectTroveError(readImageInfo(file('alpha.png'), { maxPixels: 10_000 }), 'IMAGE_TOO_LARGE');
    await expect(readImageInfo(file('alpha.png'), { maxPixels: 20_000 })).resolves.toMatchObject({ width: 200 });
  });

  it('reports undecodable data as CORRUPT_FILE', async () => {
    await expectTroveError(readImageInfo(file('text.jpg')), 'CORRUPT_FILE');
  });
});

describe('readImageInfo: the picture\'s own captions', () => {
  const xmp = (inner: string) => `<?xpacket begin="" id="W5M0MpCehiHzreSzNTczkc9d"?><x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">${inner}</rdf:Description></rdf:RDF></x:xmpmeta><?xpacket end="w"?>`;
  const plain = () => sharp(patternPixels(64, 48), { raw: { width: 64, height: 48, channels: 3 } });

  it('reads a photo manager\'s XMP title, description and keywords (entities decoded), and EXIF\'s artist', async () => {
    const jpeg = await plain().jpeg().withExif({ IFD0: { Artist: 'Ada Lovelace' } }).withXmp(xmp(
      '<dc:title><rdf:Alt><rdf:li xml:lang="x-default">Harbour at dawn</rdf:li></rdf:Alt></dc:title>'
      + '<dc:description><rdf:Alt><rdf:li xml:lang="x-default">Fishing boats &amp; gulls, Aarhus</rdf:li></rdf:Alt></dc:description>'
      + '<dc:subject><rdf:Bag><rdf:li>boats</rdf:li><rdf:li>sea</rdf:li><rdf:li>Denmark</rdf:li></rdf:Bag></dc:subject>',
    )).toBuffer();
    await writeFile(file('xmp.jpg'), jpeg);
    expect((await readImageInfo(file('xmp.jpg'))).caption).toEqual({
      title: 'Harbour at dawn', description: 'Fishing boats & gulls, Aarhus', keywords: ['boats', 'sea', 'Denmark'], author: 'Ada Lovelace',
    });
  });

  it('reads a PNG\'s text chunks', async () => {
    await writeFile(file('text.png'), withTextChunks(await plain().png().toBuffer(), { Title: 'Konqi waving', Description: 'The KDE dragon', Keywords: 'dragon; mascot' }));
    expect((await readImageInfo(file('text.png'))).caption).toEqual({ title: 'Konqi waving', description: 'The KDE dragon', keywords: ['dragon', 'mascot'] });
  });

  it('takes a camera\'s own name in the description field for no caption', async () => {
    const jpeg = await plain().jpeg().withExif({ IFD0: { ImageDescription: 'OLYMPUS DIGITAL CAMERA', Make: 'OLYMPUS' } }).toBuffer();
    await writeFile(file('olympus.jpg'), jpeg);
    expect((await readImageInfo(file('olympus.jpg'))).caption).toBeUndefined();
    expect((await readImageInfo(file('alpha.png'))).caption).toBeUndefined();
  });
});

/** The PNG with uncompressed tEXt chunks (keyword, NUL, text) inserted after IHDR (libvips reads those before the pixels). */
function withTextChunks(pngBytes: Buffer, texts: Record<string, string>): Buffer {
  const chunks = Object.entries(texts).map(([key, value]) => {
    const body = Buffer.concat([Buffer.from('tEXt'), Buffer.from(`${key}\0${value}`, 'latin1')]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length - 4);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  });
  const afterHeader = 8 + 25; // signature, then IHDR's length, type, 13 bytes and CRC
  return Buffer.concat([pngBytes.subarray(0, afterHeader), ...chunks, pngBytes.subarray(afterHeader)]);
}

describe('makeThumbnail', () => {
  it('writes an exact 300×300 JPEG that decodes, auto-rotated and atomically', async () => {
    const out = file('thumb.jpg');
    const result = await makeThumbnail(file('exif.jpg'), out);
    expect(result).toMatchObject({ width: 300, height: 300 });
    const bytes = await readFile(out);
    expect(result.bytes).toBe(bytes.length);
    const meta = await sharp(bytes).metadata();
    expect(meta).toMatchObject({ format: 'jpeg', width: 300, height: 300 });
    // Rotation was applied to the pixels, so no orientation flag is left for viewers to apply twice.
    expect(meta.orientation ?? 1).toBe(1);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });

  it('applies EXIF rotation to the pixels', async () => {
    // A landscape image whose left half is black, stored with "rotate 90° clockwise": upright, black is on top.
    const raw = Buffer.alloc(400 * 200 * 3, 255);
    for (let y = 0; y < 200; y++) raw.fill(0, y * 1200, y * 1200 + 600);
    await sharp(raw, { raw: { width: 400, height: 200, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toFile(file('halves.jpg'));
    await makeThumbnail(file('halves.jpg'), file('halves-thumb.jpg'), { size: 100 });
    const { data } = await sharp(file('halves-thumb.jpg')).greyscale().raw().toBuffer({ resolveWithObject: true });
    const at = (x: number, y: number): number => data[y * 100 + x]!;
    expect(at(50, 10)).toBeLessThan(60);
    expect(at(50, 90)).toBeGreaterThan(200);
  });

  it('flattens transparency onto white and honours size', async () => {
    const result = await makeThumbnail(file('alpha.png'), file('alpha-thumb.jpg'), { size: 64 });
    expect(result).toMatchObject({ width: 64, height: 64 });
    const { channels } = await sharp(file('alpha-thumb.jpg')).stats();
    // 50 % red over white is pink (≈255,128,128), not dark red over black (≈128,0,0).
    expect(channels[0]!.mean).toBeGreaterThan(240);
    expect(channels[1]!.mean).toBeGreaterThan(100);
  });

  it('refuses a decompression bomb with IMAGE_TOO_LARGE and writes nothing', async () => {
    const out = file('bomb-thumb.jpg');
    await expectTroveError(makeThumbnail(file('bomb.png'), out), 'IMAGE_TOO_LARGE');
    expect(existsSync(out)).toBe(false);
    expect(existsSync(`${out}.tmp`)).toBe(false);
  });

  it('reports a truncated JPEG as CORRUPT_FILE instead of a half-grey thumbnail', async () => {
    const out = file('truncated-thumb.jpg');
    await expectTroveError(makeThumbnail(file('truncated.jpg'), out), 'CORRUPT_FILE');
    expect(existsSync(out)).toBe(false);
  });

  it('reports text posing as an image as CORRUPT_FILE', async () => {
    await expectTroveError(makeThumbnail(file('text.jpg'), file('text-thumb.jpg')), 'CORRUPT_FILE');
  });

  it('stops when the signal has fired', async () => {
    await expectTroveError(makeThumbnail(file('exif.jpg'), file('aborted.jpg'), { signal: AbortSignal.abort() }), 'PROCESSING_TIMEOUT');
    expect(existsSync(file('aborted.jpg'))).toBe(false);
  });
});

describe('perceptualHash', () => {
  /** Smooth structure (as in a photo) rather than noise, so shrinking keeps the picture's layout. */
  async function waves(name: string, f: (x: number, y: number) => number, width = 640, height = 480): Promise<string> {
    const raw = Buffer.alloc(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) raw.fill(Math.max(0, Math.min(255, Math.round(f(x / width, y / height)))), (y * width + x) * 3, (y * width + x) * 3 + 3);
    }
    await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toFile(file(name));
    return file(name);
  }

  it('gives a resized, re-encoded copy (nearly) the same 64-bit hash and a different picture a distant one', async () => {
    const original = await waves('wave.jpg', (x, y) => 128 + 90 * Math.sin(x * 9) * Math.cos(y * 5) + 30 * x);
    await sharp(original).resize(200).png().toFile(file('wave-small.png'));
    const other = await waves('stripes.jpg', (x, y) => 255 * (1 - y) * (0.5 + 0.5 * Math.cos(x * 14)));
    const [a, b, c] = await Promise.all([perceptualHash(original), perceptualHash(file('wave-small.png')), perceptualHash(other)]);
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(hammingDistance(a, b)).toBeLessThanOrEqual(2);
    expect(hammingDistance(a, c)).toBeGreaterThan(16);
  });

  it('is all zeros for a flat picture, and reports undecodable data as CORRUPT_FILE', async () => {
    await sharp({ create: { width: 50, height: 40, channels: 3, background: '#3366aa' } }).png().toFile(file('flat.png'));
    expect(await perceptualHash(file('flat.png'))).toBe('0000000000000000');
    await writeFile(file('not-image.jpg'), 'hello');
    await expectTroveError(perceptualHash(file('not-image.jpg')), 'CORRUPT_FILE');
  });

  it('counts differing bits', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('00000000000000f1', '0000000000000000')).toBe(5);
    expect(hammingDistance('abc', '0000000000000000')).toBe(Infinity);
  });
});

describe('exifDateToIso', () => {
  it.each([
    ['2021:06:15 14:30:00', undefined, '2021-06-15T14:30:00'],
    ['2021:06:15 14:30:00', '-05:00', '2021-06-15T14:30:00-05:00'],
    ['2021:06:15 14:30:00', 'garbage', '2021-06-15T14:30:00'],
    ['0000:00:00 00:00:00', undefined, undefined],
    ['2021:13:45 99:00:00', undefined, undefined],
    ['yesterday', undefined, undefined],
    [42, undefined, undefined],
  ])('%s %s → %s', (value, offset, expected) => {
    expect(exifDateToIso(value, offset)).toBe(expected);
  });
});
