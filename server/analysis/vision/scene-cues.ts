/**
 * Scene cues without a scene model: the dominant colours of a picture as plain words and whether it
 * is dark or bright, so queries like "orange sky" or "dark photo" have something to match.
 *
 * Why this way: no scene/places classifier ships in npm, but colour words are cheap and reliable.
 * The image is shrunk to ≤ 48×48 by sharp (async, libvips) and each pixel is named by hue,
 * saturation and lightness; the 2–3 names covering the most pixels (≥ 12 % each) are kept.
 * Orientation, size class and time of day are already described from metadata in
 * offline-analyzer.ts and are not repeated here; `metadata` only adds the night hint (a dark picture
 * taken between 21:00 and 05:00).
 */
import { rgbPixels } from './image-pixels.ts';

export type ColourName =
  | 'red' | 'orange' | 'yellow' | 'green' | 'blue' | 'purple' | 'pink' | 'brown' | 'black' | 'white' | 'grey';

export interface ColourShare {
  name: ColourName;
  /** Fraction of the picture, 0..1 (two decimals). */
  share: number;
}

export interface SceneCues {
  /** Up to 3 colours, largest first. */
  colours: ColourShare[];
  /** 'dark' (mean luma < 0.28), 'bright' (> 0.72) or 'normal'. */
  brightness: 'dark' | 'bright' | 'normal';
  /** Mean luma 0..1 (two decimals). */
  luminance: number;
  /** Dark and taken at night according to EXIF. */
  night: boolean;
}

const SIDE = 48;
const MIN_SHARE = 0.12;
const MAX_COLOURS = 3;

export async function sceneCues(imagePath: string, metadata: Record<string, unknown> = {}): Promise<SceneCues> {
  const { data, width, height } = await rgbPixels(imagePath, SIDE, 'inside');
  const pixels = width * height;
  const counts = new Map<ColourName, number>();
  let lumaSum = 0;
  for (let i = 0; i + 2 < data.length; i += 3) {
    const r = data[i] ?? 0;
    const g = data[i + 1] ?? 0;
    const b = data[i + 2] ?? 0;
    lumaSum += (0.2126 * r + 0.7152 * g + 0.0722 * b) / 255;
    const name = colourName(r, g, b);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  const colours = [...counts.entries()]
    .map(([name, n]) => ({ name, share: n / pixels }))
    .filter((c) => c.share >= MIN_SHARE)
    .sort((a, b) => b.share - a.share)
    .slice(0, MAX_COLOURS)
    .map((c) => ({ name: c.name, share: Math.round(c.share * 100) / 100 }));
  const luminance = pixels > 0 ? lumaSum / pixels : 0;
  const brightness = luminance < 0.28 ? 'dark' : luminance > 0.72 ? 'bright' : 'normal';
  const hour = takenHour(metadata);
  return {
    colours,
    brightness,
    luminance: Math.round(luminance * 100) / 100,
    night: brightness === 'dark' && hour !== undefined && (hour >= 21 || hour < 5),
  };
}

/** Names one sRGB pixel with one of 11 basic colour words. */
export function colourName(r: number, g: number, b: number): ColourName {
  const max = Math.max(r, g, b) / 255;
  const min = Math.min(r, g, b) / 255;
  const l = (max + min) / 2;
  const d = max - min;
  const s = d === 0 ? 0 : d / (1 - Math.abs(2 * l - 1));
  if (l < 0.14 || (l < 0.25 && s < 0.35)) return 'black';
  if (s < 0.15 || d < 0.08) return l > 0.82 ? 'white' : l < 0.2 ? 'black' : 'grey';
  if (l > 0.92) return 'white';
  const h = hue(r / 255, g / 255, b / 255, max, d);
  if (h < 15 || h >= 340) return l > 0.7 ? 'pink' : l < 0.3 || s < 0.45 ? 'brown' : 'red';
  if (h < 45) return l < 0.4 || s < 0.45 ? 'brown' : l > 0.8 ? 'pink' : 'orange';
  if (h < 70) return l < 0.3 ? 'brown' : 'yellow';
  if (h < 170) return 'green';
  if (h < 260) return 'blue';
  if (h < 290) return 'purple';
  return l > 0.6 ? 'pink' : s > 0.5 && l > 0.45 ? 'pink' : 'purple';
}

function hue(r: number, g: number, b: number, max: number, d: number): number {
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  h *= 60;
  return h < 0 ? h + 360 : h;
}

function takenHour(metadata: Record<string, unknown>): number | undefined {
  const exif = metadata.exif;
  const taken = exif && typeof exif === 'object' ? (exif as Record<string, unknown>).takenAt : undefined;
  const text = taken instanceof Date ? taken.toISOString() : typeof taken === 'string' ? taken : undefined;
  const m = text ? /^\d{4}[-:/]\d{1,2}[-:/]\d{1,2}[T ](\d{1,2}):\d{2}/.exec(text.trim()) : null;
  const hour = m ? Number(m[1]) : undefined;
  return hour !== undefined && hour <= 23 ? hour : undefined;
}
