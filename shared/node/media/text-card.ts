import sharp from 'sharp';
import { TroveError } from '../../api/errors.ts';
import { writeFileAtomically } from './atomic.ts';

const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** XML 1.0 forbids most C0 controls, lone surrogates and U+FFFE/U+FFFF; librsvg rejects the whole SVG over one. */
function isXmlChar(cp: number): boolean {
  if (cp < 0x20) return cp === 0x09 || cp === 0x0a || cp === 0x0d;
  if (cp >= 0xd800 && cp <= 0xdfff) return false; // only reached for lone surrogates: pairs iterate as one code point
  return cp !== 0xfffe && cp !== 0xffff;
}

export function escapeXml(text: string): string {
  return [...text]
    .filter((ch) => isXmlChar(ch.codePointAt(0)!))
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Rough advance width in ems; wide (CJK, emoji) characters take a full em. Good enough to wrap a preview. */
function charWidth(ch: string): number {
  const cp = ch.codePointAt(0) ?? 0;
  if (cp >= 0x2e80) return 1;
  if ('il.,:;\'|!'.includes(ch)) return 0.3;
  if (ch === ' ') return 0.32;
  if (/[A-ZMW]/.test(ch)) return 0.7;
  return 0.58;
}

function widthOf(chars: string[]): number {
  return chars.reduce((sum, ch) => sum + charWidth(ch), 0);
}

/** Greedy word wrap by estimated width; words longer than a line are split. */
export function wrapText(text: string, maxEms: number, maxLines: number): string[] {
  const lines: string[] = [];
  for (const paragraph of text.replace(/\t/g, ' ').split('\n')) {
    if (lines.length >= maxLines) break;
    const trimmed = paragraph.replace(/\s+/g, ' ').trim();
    if (!trimmed) continue;
    let line = '';
    let width = 0;
    for (const word of trimmed.split(' ')) {
      const wordWidth = widthOf([...word]);
      const spaceWidth = line ? charWidth(' ') : 0;
      if (width + spaceWidth + wordWidth <= maxEms) {
        line += (line ? ' ' : '') + word;
        width += spaceWidth + wordWidth;
        continue;
      }
      if (line) lines.push(line);
      line = '';
      width = 0;
      for (const ch of word) {
        const w = charWidth(ch);
        if (width + w > maxEms && line) {
          lines.push(line);
          line = '';
          width = 0;
        }
        line += ch;
        width += w;
      }
    }
    if (line) lines.push(line);
  }
  if (lines.length > maxLines) {
    lines.length = maxLines;
    const chars = [...lines[maxLines - 1]!];
    while (chars.length && widthOf(chars) + charWidth('…') > maxEms) chars.pop();
    lines[maxLines - 1] = `${chars.join('').trimEnd()}…`;
  }
  return lines;
}

/** A page-like JPEG card (title, rule, first lines of text) used as the thumbnail of text and Word documents. */
export async function makeTextCard(opts: { title: string; text: string; outPath: string; size?: number }): Promise<void> {
  const size = Math.round(opts.size ?? 300);
  const margin = Math.round(size * 0.06);
  const pad = Math.round(size * 0.07);
  const pageWidth = size - 2 * margin;
  const innerWidth = pageWidth - 2 * pad;
  const titleSize = Math.max(8, Math.round(size * 0.06));
  const bodySize = Math.max(6, Math.round(size * 0.042));
  const lineHeight = Math.round(bodySize * 1.45);
  const titleY = margin + pad + titleSize;
  const ruleY = titleY + Math.round(titleSize * 0.6);
  const bodyTop = ruleY + Math.round(lineHeight * 1.1);
  const maxLines = Math.max(1, Math.floor((size - margin - pad - bodyTop) / lineHeight) + 1);

  // Bold glyphs run about 10 % wider than the regular ones charWidth() estimates.
  const [title = ''] = wrapText(opts.title.trim() || 'Untitled', innerWidth / (titleSize * 1.1), 1);
  const lines = wrapText(opts.text, innerWidth / bodySize, maxLines);
  const body = lines.length
    ? lines.map((line, i) => `<text x="${margin + pad}" y="${bodyTop + i * lineHeight}">${escapeXml(line)}</text>`).join('')
    : `<text x="${margin + pad}" y="${bodyTop}" fill="#9aa3af" font-style="italic">No text</text>`;

  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
<rect width="${size}" height="${size}" fill="#eef1f6"/>
<rect x="${margin + 2}" y="${margin + 3}" width="${pageWidth}" height="${size - 2 * margin}" rx="${Math.round(size * 0.02)}" fill="#d5dae3"/>
<rect x="${margin}" y="${margin}" width="${pageWidth}" height="${size - 2 * margin}" rx="${Math.round(size * 0.02)}" fill="#ffffff"/>
<text x="${margin + pad}" y="${titleY}" font-family="${FONT_FAMILY}" font-size="${titleSize}" font-weight="bold" fill="#1f2937">${escapeXml(title)}</text>
<rect x="${margin + pad}" y="${ruleY}" width="${innerWidth}" height="${Math.max(1, Math.round(size / 300))}" fill="#4f7cff"/>
<g font-family="${FONT_FAMILY}" font-size="${bodySize}" fill="#4b5563">${body}</g>
</svg>`;

  let jpeg: Buffer;
  try {
    jpeg = await sharp(Buffer.from(svg), { density: 72 }).resize(size, size).flatten({ background: '#ffffff' }).jpeg({ quality: 85 }).toBuffer();
  } catch (err) {
    // Our own SVG failing to render is a bug on our side, not a problem with the user's document.
    throw new TroveError('PROCESSING_FAILED', "We couldn't draw a preview card for this document. Try again later.", undefined, { cause: err });
  }
  await writeFileAtomically(opts.outPath, jpeg);
}
