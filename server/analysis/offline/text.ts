// Text helpers the offline analysis shares: safe reading of untyped metadata, clean single lines,
// clipping that never splits a character, and the ordered tag set.

const MAX_TAGS = 48;
const MAX_TAG_CHARS = 40;

export type Rec = Record<string, unknown>;

export function rec(v: unknown): Rec | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) ? (v as Rec) : undefined;
}

export function num(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v === 'string' && v.trim() !== '') {
    const n = Number(v.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

export function positive(v: unknown): number | undefined {
  const n = num(v);
  return n !== undefined && n > 0 ? n : undefined;
}

export function dimensions(meta: Rec): { width: number; height: number } | undefined {
  const width = positive(meta.width);
  const height = positive(meta.height);
  if (width === undefined || height === undefined) return undefined;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width > 1_000_000 || height > 1_000_000) return undefined;
  return { width, height };
}

export function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

/** One clean line of text from a metadata value (string, number, or `{ text }` as music-metadata gives comments). */
export function text(v: unknown, max: number): string | undefined {
  let s: string | undefined;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
  else if (Array.isArray(v)) return text(v.find((x) => text(x, max) !== undefined), max);
  else {
    const r = rec(v);
    if (r && typeof r.text === 'string') s = r.text;
  }
  if (s === undefined) return undefined;
  const line = oneLine(s);
  return line === '' ? undefined : clip(line, max);
}

/** All clean values of a field that may be a single value or a list. */
export function texts(v: unknown, max: number): string[] {
  const list = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of list.slice(0, 50)) {
    const t = text(item, max);
    if (t !== undefined && !out.includes(t)) out.push(t);
  }
  return out;
}

/** Replaces lone surrogates, so the text is valid UTF-16 (and valid UTF-8 once stored). */
export function wellFormed(s: string): string {
  return s.replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD');
}

// C0/C1 controls and the bidirectional overrides that can disguise text.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;

export function oneLine(s: string): string {
  return wellFormed(s).normalize('NFC').replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
}

/** Multi-line text for full-text search: controls removed, line breaks kept, runs of blank lines shortened. */
export function cleanBlock(s: string): string {
  return wellFormed(s)
    .normalize('NFC')
    .replace(/\r\n?/g, '\n')
    .replace(CONTROL, ' ')
    .replace(/[^\S\n]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

const graphemes = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** Shortens to at most `max` characters without splitting a character, preferring a word boundary. */
export function clip(s: string, max: number): string {
  if (s.length <= max) return s;
  let out = '';
  for (const { segment } of graphemes.segment(s)) {
    if (out.length + segment.length > max - 1) break;
    out += segment;
  }
  const space = out.lastIndexOf(' ');
  if (space >= max * 0.6) out = out.slice(0, space);
  return `${out.trimEnd()} …`;
}

export function clipBlock(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  if (/[\uDC00-\uDFFF]/.test(s[end] ?? '')) end -= 1;
  return s.slice(0, end);
}

export function dedupeLines(values: string[]): string[] {
  const out: string[] = [];
  for (const v of values) if (v !== '' && !out.includes(v)) out.push(v);
  return out;
}

export function joinSentences(sentences: string[], max: number): string {
  let out = '';
  for (const s of sentences) {
    const next = out === '' ? s : `${out} ${s}`;
    if (next.length > max) {
      if (out === '') out = clip(s, max);
      break;
    }
    out = next;
  }
  return out;
}

export function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export function article(word: string): 'a' | 'an' {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}

export function roughTokens(s: string): number {
  const words = s.match(/\S+/g)?.length ?? 0;
  let codePoints = 0;
  for (const _ of s) codePoints++;
  // Words × 1.3 for spaced scripts; characters / 4 keeps scripts without spaces from counting as one word.
  return Math.round(Math.max(words * 1.3, codePoints / 4));
}

/** An ordered set of lowercase tags. */
export class Tags {
  private readonly items = new Set<string>();
  add(...values: (string | undefined)[]): void {
    for (const v of values) {
      if (v === undefined || this.items.size >= MAX_TAGS) continue;
      const tag = oneLine(v).toLowerCase().replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '');
      if (tag !== '' && tag.length <= MAX_TAG_CHARS) this.items.add(tag);
    }
  }
  list(): string[] {
    return [...this.items];
  }
}
