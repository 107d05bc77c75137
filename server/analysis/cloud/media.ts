import path from 'node:path';
import sharp from 'sharp';
import type { Logger } from '../../logger.ts';

export interface PreparedImage {
  mimeType: 'image/jpeg';
  base64: string;
}

export interface ImageOptions {
  /** Most pictures sent per file; a video's frames are sampled evenly down to this. */
  maxImages: number;
  /** Longest edge in pixels after downscaling. */
  maxEdge: number;
}

// 768 px: Gemini bills a picture whose sides are both ≤ 384 px as one 258-token tile and larger ones
// per 768 px tile, so a longest edge of 768 keeps a photo to one or two tiles; OpenAI's "low" detail
// reads 512 px anyway.
export const DEFAULT_IMAGE_OPTIONS: ImageOptions = { maxImages: 8, maxEdge: 768 };

/**
 * Downscales pictures to JPEGs before they leave the machine: models see ~1000 px anyway (Gemini
 * tiles at 768 px, OpenAI "low" detail at 512 px), the inline request limit is ~20 MB, and a
 * 12-megapixel original would cost upload time and tokens for nothing. EXIF (GPS included) is not
 * copied, so no location leaves with the pixels. A picture that fails to decode is left out rather
 * than failing the file; the pipeline has already judged the file readable.
 */
export async function prepareImages(
  paths: readonly string[] | undefined, opts: ImageOptions, log: Logger | undefined, signal?: AbortSignal,
): Promise<PreparedImage[]> {
  const out: PreparedImage[] = [];
  for (const p of sample((paths ?? []).filter((x) => typeof x === 'string' && x !== ''), opts.maxImages)) {
    signal?.throwIfAborted();
    try {
      const buf = await sharp(p, { limitInputPixels: 268_402_689, failOn: 'none' })
        .rotate() // apply EXIF orientation before the metadata is dropped
        .resize({ width: opts.maxEdge, height: opts.maxEdge, fit: 'inside', withoutEnlargement: true })
        .flatten({ background: '#ffffff' }) // JPEG has no alpha; transparent PNGs would turn black
        .jpeg({ quality: 80 })
        .toBuffer();
      out.push({ mimeType: 'image/jpeg', base64: buf.toString('base64') });
    } catch (err) {
      log?.warn({ err, image: path.basename(p) }, 'picture left out of the cloud analysis');
    }
  }
  return out;
}

/** Evenly spread picks keep the start, middle and end of a long video rather than its first minute only. */
export function sample<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return [...items];
  if (max <= 1) return items.slice(0, Math.max(0, max));
  const out: T[] = [];
  for (let i = 0; i < max; i++) out.push(items[Math.round((i * (items.length - 1)) / (max - 1))]!);
  return out;
}

const AUDIO_TYPES: Record<string, string> = {
  '.wav': 'audio/wav', '.mp3': 'audio/mp3', '.aac': 'audio/aac', '.m4a': 'audio/aac', '.ogg': 'audio/ogg',
  '.oga': 'audio/ogg', '.opus': 'audio/ogg', '.flac': 'audio/flac', '.aif': 'audio/aiff', '.aiff': 'audio/aiff',
  '.webm': 'audio/webm', '.weba': 'audio/webm',
};

/** The names Gemini's list uses for types that browsers and sniffers name otherwise. */
const AUDIO_ALIASES: Record<string, string> = {
  'audio/mpeg': 'audio/mp3', 'audio/x-wav': 'audio/wav', 'audio/wave': 'audio/wav', 'audio/vnd.wave': 'audio/wav',
  'audio/x-aiff': 'audio/aiff', 'audio/x-flac': 'audio/flac', 'audio/mp4': 'audio/aac', 'audio/x-m4a': 'audio/aac', 'audio/opus': 'audio/ogg',
};

/**
 * The audio MIME type to declare on upload. A video's sound track arrives as a .wav next to a video
 * MIME type, so the extension decides first, and the file's own type only for audio files (stored
 * copies often have no extension).
 */
export function audioMimeType(audioPath: string, fileMime: string): string {
  const byExt = AUDIO_TYPES[path.extname(audioPath).toLowerCase()];
  if (byExt) return byExt;
  const mime = fileMime.toLowerCase().split(';')[0]!.trim();
  return AUDIO_ALIASES[mime] ?? (mime.startsWith('audio/') ? mime : 'audio/wav');
}
