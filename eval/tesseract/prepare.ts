import sharp from 'sharp';
import { TroveError } from '../../shared/api/errors.ts';
import { throwIfAborted } from '../../shared/node/media/failures.ts';

/** The image's longest side in pixels (reads the header; nothing is decoded). */
export async function longestSide(imagePath: string, maxPixels: number): Promise<number> {
  try {
    const { width = 0, height = 0 } = await sharp(imagePath, { limitInputPixels: maxPixels, failOn: 'none' }).metadata();
    if (width * height === 0) throw new Error('image has no size');
    return Math.max(width, height);
  } catch (err) {
    throw unreadable(err);
  }
}

/**
 * A greyscale PNG whose longest side is `side` pixels, for tesseract. Transparency is flattened onto
 * white, because text drawn on a transparent background (logos, screenshots) would otherwise land on
 * black and vanish. No contrast stretch: on a page that is mostly paper it amplifies the JPEG noise
 * of the paper into speckles that drowned the text (seen: a clean scan read as garbage); tesseract
 * binarises by itself.
 * `maxPixels` bounds decoding, so a decompression bomb fails fast instead of filling memory.
 */
export async function prepareForOcr(imagePath: string, side: number, maxPixels: number, signal?: AbortSignal): Promise<Buffer> {
  throwIfAborted(signal);
  try {
    const png = await sharp(imagePath, { limitInputPixels: maxPixels, failOn: 'none' })
      .rotate() // EXIF orientation: tesseract reads upright text far better
      .flatten({ background: '#ffffff' })
      .greyscale()
      .resize({ width: side, height: side, fit: 'inside' })
      .png({ compressionLevel: 1 }) // read once by tesseract: encoding speed matters more than size
      .toBuffer();
    throwIfAborted(signal);
    return png;
  } catch (err) {
    throw unreadable(err);
  }
}

function unreadable(err: unknown): TroveError {
  if (err instanceof TroveError) return err;
  return new TroveError(
    'CORRUPT_FILE',
    "This image couldn't be read for text recognition; it may be damaged or incomplete.",
    { reason: err instanceof Error ? err.message : String(err) },
    { cause: err },
  );
}
