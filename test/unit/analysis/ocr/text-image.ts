import sharp from 'sharp';

/** Text drawn with a real font (DejaVu, installed with the OS) through sharp's SVG renderer. */
export function textImage(lines: string[], opts: { width?: number; size?: number; font?: string } = {}): Promise<Buffer> {
  const size = opts.size ?? 44;
  const width = opts.width ?? 1000;
  const height = Math.round(size * 1.6 * lines.length + size);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const text = lines
    .map((l, i) => `<text x="30" y="${Math.round(size * 1.3 + i * size * 1.6)}" font-family="${opts.font ?? 'DejaVu Sans'}" font-size="${size}">${esc(l)}</text>`)
    .join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="white"/>${text}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** The lowercase words of OCR output. */
export const words = (text: string): Set<string> => new Set(text.toLowerCase().match(/[a-z0-9-]+/g) ?? []);
