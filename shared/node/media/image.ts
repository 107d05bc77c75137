import exifr from 'exifr';
import sharp, { type Metadata } from 'sharp';
import { TroveError } from '../../api/errors.ts';
import { writeFileAtomically } from './atomic.ts';
import { throwIfAborted } from './failures.ts';

export const DEFAULT_MAX_IMAGE_PIXELS = 100_000_000;

export interface ExifSummary {
  /** ISO 8601; without an offset when the camera recorded none (EXIF times are local wall-clock time). */
  takenAt?: string;
  make?: string;
  model?: string;
  lensModel?: string;
  gps?: { latitude: number; longitude: number };
  exposureTime?: number;
  fNumber?: number;
  iso?: number;
  focalLength?: number;
}

/** What the picture says about itself: a photo manager's title, caption and keywords, or a PNG's text. */
export interface ImageCaption {
  title?: string;
  description?: string;
  keywords?: string[];
  author?: string;
}

export interface ImageInfo {
  /** After applying the EXIF orientation, i.e. as the image is displayed. */
  width: number;
  height: number;
  format: string;
  hasAlpha: boolean;
  orientation?: number;
  exif?: ExifSummary;
  caption?: ImageCaption;
}

/**
 * 'error' rather than sharp's default 'warning': real cameras write JPEGs with harmless warnings
 * (extraneous bytes, odd markers), while truncation and decode errors still fail loudly instead of
 * producing a half-grey thumbnail.
 */
const FAIL_ON = 'error' as const;

/**
 * Reads dimensions and EXIF from the header only; pixels are never decoded, so a JPEG cut short after its
 * header still passes here — makeThumbnail is where damaged pixel data is caught.
 */
export async function readImageInfo(path: string, opts: { maxPixels?: number } = {}): Promise<ImageInfo> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const meta = await sharp(path, { failOn: FAIL_ON, limitInputPixels: false })
    .metadata()
    .catch((err: unknown) => {
      throw imageError(err, maxPixels);
    });
  if (!meta.width || !meta.height) {
    throw new TroveError('CORRUPT_FILE', "This image's header has no size, so it can't be shown. Try exporting it again.");
  }
  if (meta.width * meta.height > maxPixels) throw tooLarge(maxPixels, meta.width, meta.height);

  const info: ImageInfo = {
    width: meta.autoOrient.width,
    height: meta.autoOrient.height,
    format: meta.format,
    hasAlpha: meta.hasAlpha,
  };
  if (meta.orientation !== undefined) info.orientation = meta.orientation;
  // sharp already knows whether EXIF exists; skipping exifr otherwise avoids its "unknown format" errors (GIF).
  if (meta.exif) {
    const exif = await readExifSummary(path);
    if (exif) info.exif = exif;
  }
  const caption = await readCaption(path, meta);
  if (caption) info.caption = caption;
  return info;
}

/**
 * A square JPEG thumbnail (cover crop, EXIF-rotated), written atomically. `anchor: 'top'` keeps the
 * top of tall pictures such as document pages, where the title is.
 */
export async function makeThumbnail(
  input: string,
  outPath: string,
  opts: { size?: number; maxPixels?: number; signal?: AbortSignal; anchor?: 'centre' | 'top' } = {},
): Promise<{ width: number; height: number; bytes: number }> {
  const size = opts.size ?? 300;
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  throwIfAborted(opts.signal);
  // limitInputPixels is checked against the header before decoding, so a bomb is refused, not inflated.
  const { data, info } = await sharp(input, { failOn: FAIL_ON, limitInputPixels: maxPixels, autoOrient: true })
    .resize(size, size, { fit: 'cover', position: opts.anchor === 'top' ? 'top' : 'centre' })
    // JPEG has no alpha; without flattening, transparent areas turn black.
    .flatten({ background: '#ffffff' })
    .jpeg({ quality: 80 })
    .toBuffer({ resolveWithObject: true })
    .catch((err: unknown) => {
      throw imageError(err, maxPixels);
    });
  throwIfAborted(opts.signal);
  await writeFileAtomically(outPath, data);
  return { width: info.width, height: info.height, bytes: data.length };
}

/**
 * A 64-bit difference hash (dHash) as 16 hex digits: the picture shrunk to 9×8 grey pixels, one bit
 * per horizontal neighbour pair (left brighter than right). Resizing, re-encoding and mild colour
 * changes move only a few bits, so a small Hamming distance between two hashes means "the same picture".
 */
export async function perceptualHash(path: string, opts: { maxPixels?: number } = {}): Promise<string> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_IMAGE_PIXELS;
  const data = await sharp(path, { failOn: FAIL_ON, limitInputPixels: maxPixels, autoOrient: true })
    .flatten({ background: '#ffffff' })
    .greyscale()
    .resize(9, 8, { fit: 'fill', kernel: 'lanczos3' })
    .raw()
    .toBuffer()
    .catch((err: unknown) => {
      throw imageError(err, maxPixels);
    });
  let hash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      hash = (hash << 1n) | (data[y * 9 + x]! > data[y * 9 + x + 1]! ? 1n : 0n);
    }
  }
  return hash.toString(16).padStart(16, '0');
}

/** Bits that differ between two perceptual hashes (0–64); Infinity when either is not a 64-bit hex hash. */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/i.test(a) || !/^[0-9a-f]{16}$/i.test(b)) return Infinity;
  let x = BigInt(`0x${a}`) ^ BigInt(`0x${b}`);
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

function tooLarge(maxPixels: number, width?: number, height?: number): TroveError {
  const megapixels = Math.round(maxPixels / 1_000_000);
  const size = width && height ? ` (${width}×${height} pixels)` : '';
  return new TroveError(
    'IMAGE_TOO_LARGE',
    `This image is too large to process${size}; the limit is ${megapixels} megapixels. Reduce its resolution and upload it again.`,
    { width, height, maxPixels },
  );
}

function imageError(err: unknown, maxPixels: number): TroveError {
  if (err instanceof TroveError) return err;
  const message = err instanceof Error ? err.message : String(err);
  if (/pixel limit/i.test(message)) return tooLarge(maxPixels);
  if (/input file is missing/i.test(message)) {
    return new TroveError('PROCESSING_FAILED', 'The image disappeared from storage while it was being processed. Upload it again.', { message }, { cause: err });
  }
  if (/unsupported image format/i.test(message)) {
    return new TroveError('CORRUPT_FILE', "This image couldn't be read: its format isn't recognised or its data is damaged. Try exporting it again as JPEG or PNG.", { message }, { cause: err });
  }
  return new TroveError(
    'CORRUPT_FILE',
    "This image couldn't be read; it may be damaged or incomplete (for example, an upload that was cut off). Try exporting or downloading it again.",
    { message },
    { cause: err },
  );
}

interface RawExif {
  Make?: unknown;
  Model?: unknown;
  LensModel?: unknown;
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  ModifyDate?: unknown;
  OffsetTimeOriginal?: unknown;
  OffsetTime?: unknown;
  ExposureTime?: unknown;
  FNumber?: unknown;
  ISO?: unknown;
  FocalLength?: unknown;
  latitude?: unknown;
  longitude?: unknown;
}

/**
 * Captions other software wrote into the file: EXIF's description and Windows' XP tags, XMP's
 * dc:title, dc:description and dc:subject (Lightroom, digiKam, phones), IPTC's headline, caption and
 * keywords, and PNG text chunks. A bonus like EXIF: damaged blocks are ignored. Camera firmware
 * fills the description with its own name ("OLYMPUS DIGITAL CAMERA"); that is not a caption.
 */
async function readCaption(path: string, meta: Metadata): Promise<ImageCaption | undefined> {
  const found = { title: [] as unknown[], description: [] as unknown[], keywords: [] as unknown[], author: [] as unknown[] };
  for (const c of meta.comments ?? []) {
    const key = c.keyword.toLowerCase();
    if (key === 'title') found.title.push(c.text);
    else if (key === 'description' || key === 'comment' || key === 'subject') found.description.push(c.text);
    else if (key === 'keywords') found.keywords.push(...c.text.split(/[,;]/));
    else if (key === 'author') found.author.push(c.text);
  }
  if (meta.exif || meta.xmp || meta.iptc) {
    try {
      const raw = (await exifr.parse(path, {
        tiff: true, exif: false, gps: false, xmp: true, iptc: true,
        ifd1: false, interop: false, icc: false, jfif: false, ihdr: false,
        reviveValues: false, translateValues: false,
      })) as Record<string, unknown> | undefined;
      if (raw) {
        found.title.push(raw.XPTitle, raw.ObjectName, raw.Headline, raw.title);
        found.description.push(raw.ImageDescription, raw.Caption, raw.XPComment, raw.XPSubject, raw.description);
        found.keywords.push(raw.XPKeywords, raw.Keywords, raw.subject);
        found.author.push(raw.Artist, raw.XPAuthor, raw.Byline, raw.creator);
      }
    } catch {
      // no caption rather than no image
    }
  }
  const pick = (values: unknown[], max: number) => captionTexts(values, max)[0];
  const caption: ImageCaption = {};
  const title = pick(found.title, 200);
  const description = pick(found.description, 2000);
  const author = pick(found.author, 120);
  const keywords = [...new Set(captionTexts(found.keywords, 2000).flatMap((k) => k.split(/\s*[,;]\s*/)).filter((k) => k && k.length <= 60))].slice(0, 30);
  if (title) caption.title = title;
  if (description && description !== title) caption.description = description;
  if (keywords.length > 0) caption.keywords = keywords;
  if (author) caption.author = author;
  return Object.keys(caption).length > 0 ? caption : undefined;
}

/** Firmware's own words in the description field, and XMP's empty language placeholder. */
const NOT_A_CAPTION = /^(x-default|default|untitled|image|picture|photo|dsc|sony dsc|description|\s*)$|digital (still )?camera|^(olympus|nikon|canon|sony|samsung|konica minolta|panasonic|fujifilm|pentax|kodak)( \w+)?$/i;

/** XMP values arrive with XML's entities still in them. */
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Strings from whatever shape the parsers give (a string, a list, XMP's {lang, value}, XP's UCS-2 bytes). */
function captionTexts(values: unknown[], max: number): string[] {
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === 'string') {
      const t = v.replace(/\0/g, '').replace(/&(amp|lt|gt|quot|apos);/g, (_, e: string) => ENTITIES[e] ?? '').replace(/\s+/g, ' ').trim();
      if (t && !NOT_A_CAPTION.test(t)) out.push(t.length > max ? `${t.slice(0, max - 1)}…` : t);
    } else if (Array.isArray(v) && v.length > 0 && v.every((b) => typeof b === 'number')) {
      visit(Buffer.from(v).toString('utf16le'));
    } else if (Array.isArray(v)) {
      v.forEach(visit);
    } else if (v instanceof Uint8Array) {
      visit(Buffer.from(v).toString('utf16le'));
    } else if (v && typeof v === 'object' && 'value' in v) {
      visit(v.value);
    }
  };
  values.forEach(visit);
  return out;
}

/** EXIF is a bonus: a damaged EXIF block must not make a viewable image fail. */
async function readExifSummary(path: string): Promise<ExifSummary | undefined> {
  let raw: RawExif | undefined;
  try {
    raw = (await exifr.parse(path, {
      tiff: true, exif: true, gps: true,
      ifd1: false, interop: false, xmp: false, icc: false, iptc: false, jfif: false, ihdr: false,
      // Raw strings keep EXIF's zone-less local time intact; exifr would reinterpret it in the server's zone.
      reviveValues: false,
      translateValues: false,
    })) as RawExif | undefined;
  } catch {
    return undefined;
  }
  if (!raw) return undefined;

  const summary: ExifSummary = {};
  const takenAt = exifDateToIso(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ?? exifDateToIso(raw.CreateDate, raw.OffsetTime) ?? exifDateToIso(raw.ModifyDate, raw.OffsetTime);
  if (takenAt) summary.takenAt = takenAt;
  const make = cleanString(raw.Make);
  if (make) summary.make = make;
  const model = cleanString(raw.Model);
  if (model) summary.model = model;
  const lensModel = cleanString(raw.LensModel);
  if (lensModel) summary.lensModel = lensModel;
  const exposureTime = positiveNumber(raw.ExposureTime);
  if (exposureTime !== undefined) summary.exposureTime = exposureTime;
  const fNumber = positiveNumber(raw.FNumber);
  if (fNumber !== undefined) summary.fNumber = fNumber;
  const iso = positiveNumber(Array.isArray(raw.ISO) ? (raw.ISO as unknown[])[0] : raw.ISO);
  if (iso !== undefined) summary.iso = iso;
  const focalLength = positiveNumber(raw.FocalLength);
  if (focalLength !== undefined) summary.focalLength = focalLength;
  const gps = validGps(raw.latitude, raw.longitude);
  if (gps) summary.gps = gps;
  return Object.keys(summary).length > 0 ? summary : undefined;
}

export function exifDateToIso(value: unknown, offset?: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/.exec(value.trim());
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m;
  const local = `${y}-${mo}-${d}T${h}:${mi}:${s}`;
  // Cameras without a clock write zeros; Date.parse also rejects month 13 and the like.
  if (y === '0000' || Number.isNaN(Date.parse(`${local}Z`))) return undefined;
  const zone = typeof offset === 'string' && /^[+-]\d{2}:\d{2}$/.test(offset.trim()) ? offset.trim() : '';
  return local + zone;
}

function cleanString(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  // Some cameras pad fixed-size fields with NULs or spaces.
  const cleaned = value.replace(/\0/g, '').trim();
  return cleaned || undefined;
}

function positiveNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function validGps(latitude: unknown, longitude: unknown): { latitude: number; longitude: number } | undefined {
  if (typeof latitude !== 'number' || typeof longitude !== 'number') return undefined;
  if (!Number.isFinite(latitude) || !Number.isFinite(longitude)) return undefined;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180) return undefined;
  // Phones without a fix often write 0,0; a real photo at that exact spot in the Atlantic is vanishingly rare.
  if (latitude === 0 && longitude === 0) return undefined;
  return { latitude, longitude };
}
