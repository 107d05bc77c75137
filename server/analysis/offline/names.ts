// Formats, dates and file names as the offline description words them: shared by the metadata
// description and the analyzer itself. Deterministic: no time zone, no locale.
import { round, text, wellFormed, type Rec, type Tags } from './text.ts';

const MAX_FILENAME_WORDS = 16;

// ---------------------------------------------------------------------------------------------
// Formats

const MIME_FORMATS: Record<string, string> = {
  'image/jpeg': 'jpeg', 'image/png': 'png', 'image/webp': 'webp', 'image/gif': 'gif', 'image/tiff': 'tiff',
  'image/avif': 'avif', 'image/heic': 'heic', 'image/heif': 'heif',
  'video/mp4': 'mp4', 'video/quicktime': 'mov', 'video/webm': 'webm', 'video/x-matroska': 'mkv', 'video/x-msvideo': 'avi',
  'audio/mpeg': 'mp3', 'audio/wav': 'wav', 'audio/x-wav': 'wav', 'audio/flac': 'flac', 'audio/ogg': 'ogg',
  'audio/mp4': 'm4a', 'audio/aac': 'aac', 'audio/opus': 'opus',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/plain': 'txt', 'text/markdown': 'markdown',
};

export const FORMAT_LABELS: Record<string, string> = {
  jpeg: 'JPEG', png: 'PNG', webp: 'WebP', gif: 'GIF', tiff: 'TIFF', avif: 'AVIF', heic: 'HEIC', heif: 'HEIF',
  mp4: 'MP4', mov: 'QuickTime', webm: 'WebM', mkv: 'Matroska', avi: 'AVI',
  mp3: 'MP3', wav: 'WAV', flac: 'FLAC', ogg: 'Ogg', m4a: 'M4A', aac: 'AAC', opus: 'Opus',
  pdf: 'PDF', docx: 'Word', txt: 'Text', markdown: 'Markdown',
};

const FORMAT_TAGS: Record<string, string[]> = {
  jpeg: ['jpeg', 'jpg'], tiff: ['tiff', 'tif'], mov: ['mov', 'quicktime'], mkv: ['mkv', 'matroska'],
  docx: ['docx', 'word'], txt: ['txt', 'text'], markdown: ['markdown', 'md'],
};

/** The sniffed MIME type decides; sharp's `format` (image) fills in for types the table does not know. */
export function formatOf(meta: Rec, mime: string): string | undefined {
  const fromMime = MIME_FORMATS[mime];
  if (fromMime) return fromMime;
  const declared = text(meta.format, 12)?.toLowerCase();
  if (declared && /^[a-z0-9]+$/.test(declared)) return declared === 'jpg' ? 'jpeg' : declared;
  return undefined;
}

export function addFormatTags(tags: Tags, format: string | undefined): void {
  if (format) tags.add(...(FORMAT_TAGS[format] ?? [format]));
}

// ---------------------------------------------------------------------------------------------
// Dates and durations

const MONTHS = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

export interface WallClock {
  year: number;
  month: number; // 1–12
  day: number;
  hour: number | undefined;
  weekday: number; // 0 = Sunday
}

/** Reads the date and hour as written (no time-zone conversion), so the result never depends on the machine. */
export function wallClock(v: unknown): WallClock | undefined {
  let s: string | undefined;
  if (v instanceof Date) s = Number.isNaN(v.getTime()) ? undefined : v.toISOString();
  else if (typeof v === 'string') s = v.trim();
  if (!s) return undefined;
  const m = /^(\d{4})[-:/](\d{1,2})[-:/](\d{1,2})(?:[T ](\d{1,2}):(\d{2}))?/.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (year < 1826 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const utc = new Date(Date.UTC(year, month - 1, day));
  if (utc.getUTCMonth() !== month - 1) return undefined; // 31 February and friends
  const hourRaw = m[4] !== undefined ? Number(m[4]) : undefined;
  const hour = hourRaw !== undefined && hourRaw <= 23 ? hourRaw : undefined;
  return { year, month, day, hour, weekday: utc.getUTCDay() };
}

export function dateWords(d: WallClock): string {
  return `${d.day} ${MONTHS[d.month - 1]} ${d.year}`;
}

export function timeOfDay(hour: number): 'morning' | 'afternoon' | 'evening' | 'night' {
  if (hour >= 5 && hour < 12) return 'morning';
  if (hour >= 12 && hour < 17) return 'afternoon';
  if (hour >= 17 && hour < 21) return 'evening';
  return 'night';
}

export function addDateTags(tags: Tags, d: WallClock, withTimeOfDay: boolean): void {
  tags.add(String(d.year), MONTHS[d.month - 1]!.toLowerCase(), WEEKDAYS[d.weekday]!.toLowerCase());
  if (withTimeOfDay && d.hour !== undefined) tags.add(timeOfDay(d.hour));
}

export function formatDuration(seconds: number): string {
  if (seconds < 1) return `${round(seconds, 1) || 0.1} s`;
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return m > 0 ? `${h} h ${m} min` : `${h} h`;
  if (m > 0) return s > 0 ? `${m} min ${s} s` : `${m} min`;
  return `${s} s`;
}

// ---------------------------------------------------------------------------------------------
// File names

/** Words that camera and scanner file names are made of; they say nothing about the content. */
export const GENERIC_NAME_WORDS = new Set([
  'img', 'image', 'dsc', 'dscn', 'dscf', 'dcim', 'pxl', 'mvimg', 'vid', 'video', 'gopr', 'dji', 'pict', 'imag',
  'wp', 'photo', 'file', 'scan', 'untitled', 'copy', 'audio', 'rec', 'recording', 'document', 'doc', 'new',
]);
const CAMERA_PREFIXES = new Set(['img', 'dsc', 'dscn', 'dscf', 'pxl', 'mvimg', 'vid', 'gopr', 'dji', 'pict', 'imag', 'wp']);

const STOPWORDS = new Set([
  'a', 'an', 'the', 'and', 'or', 'of', 'at', 'in', 'on', 'to', 'for', 'with', 'from', 'by', 'is', 'it', 'as',
]);

/** Filename words worth a tag: not stopwords, and numbers only when they look like a year or a reference. */
export function isTagWorthy(word: string): boolean {
  if (STOPWORDS.has(word)) return false;
  if (!/^\p{N}+$/u.test(word)) return true;
  const n = Number(word);
  return (word.length === 4 && n >= 1800 && n <= 2199) || (word.length >= 3 && !word.startsWith('0'));
}

interface NameWord {
  display: string;
  lower: string;
}

/** `Invoice_March-2024.pdf` → invoice, march, 2024; `myHolidayPhotos2019.jpg` → my, holiday, photos, 2019. */
export function filenameWords(filename: string): NameWord[] {
  let base = wellFormed(filename).normalize('NFC');
  base = base.split(/[\\/]/).pop() ?? '';
  const dot = base.lastIndexOf('.');
  if (dot > 0 && /^[\p{L}\p{N}]{1,5}$/u.test(base.slice(dot + 1))) base = base.slice(0, dot);
  base = base
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .replace(/(\p{Lu})(\p{Lu}\p{Ll})/gu, '$1 $2')
    .replace(/(\p{L}{2,})(\p{N})/gu, '$1 $2')
    .replace(/(\p{N})(\p{L}{2,})/gu, '$1 $2');
  const out: NameWord[] = [];
  const seen = new Set<string>();
  for (const token of base.split(/[^\p{L}\p{N}\p{M}]+/u)) {
    if (out.length >= MAX_FILENAME_WORDS) break;
    const lower = token.toLowerCase();
    const isNumber = /^\p{N}+$/u.test(token);
    if (token === '' || seen.has(lower) || CAMERA_PREFIXES.has(lower)) continue;
    if (isNumber ? token.length > 4 : [...token].length < 2) continue; // timestamps, counters, single letters
    seen.add(lower);
    out.push({ display: token, lower });
  }
  return out;
}
