/**
 * Decodes an image file into the raw RGB pixels a model wants, with sharp (libvips, off the JS thread).
 *
 * Why this way: the models take fixed square inputs and were trained on whole, stretched frames
 * (human resizes the frame to 512×512 without keeping the aspect ratio), so the image is resized with
 * `fit: 'fill'`; EXIF orientation is applied first and any alpha is flattened onto white (cut-out
 * PNGs would otherwise become black shapes on black).
 */
import sharp from 'sharp';

export interface RgbPixels {
  /** width × height × 3 bytes, row-major RGB. */
  data: Uint8Array;
  width: number;
  height: number;
}

/**
 * `fit: 'fill'` (the models) stretches to exactly size × size; 'inside' (colour counting) keeps the
 * picture's shape within that square.
 */
export async function rgbPixels(imagePath: string, size: number, fit: 'fill' | 'inside' = 'fill'): Promise<RgbPixels> {
  const { data, info } = await sharp(imagePath, { failOn: 'none', limitInputPixels: 268_402_689 })
    .rotate()
    .flatten({ background: '#ffffff' })
    .resize(size, size, { fit })
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height };
}
