/**
 * One search box for everything: turns what a person types ("pdf from last March", "videos of the
 * dog 2023", "photos taken with the Canon", "invoice -draft") into the words to match and the
 * filters they stand for. Runs in the server, the page and the CLI alike (no Node built-ins); the
 * clock is a parameter, so "last week" means the same in a test every time.
 *
 * Rules, in the order they apply:
 * - `key:value` operators are exact: `type:pdf`, `camera:"Canon EOS"`, `folder:Holidays`,
 *   `collection:…`, `from:`/`since:`, `after:`, `before:`, `to:`/`until:`, `on:`/`date:`.
 * - "quoted phrases" stay text, matched as phrases; nothing inside quotes is interpreted.
 * - `-word` and `-"a phrase"` leave out files that contain them.
 * - Dates (see dates.ts). Future dates and a month alone ("May") stay words.
 * - Kinds of file: plural nouns ("photos", "voice memos") and formats ("pdf", "mp3") always;
 *   singular ones only when they do not modify the next word ("a video of…" yes, "video game" no).
 *   Several kinds widen the search: "photos pdf" is every photo and every PDF.
 * - A camera after "taken with", "shot on"…: up to five words, ending at the first common word.
 * - A folder or collection after "in": the user's own names when given, else capitalised words.
 * - `tag:beach` (or `tags:`): files carrying that tag of the user's own; several must all be there.
 * - What is left is the text; when anything was taken out, common words at the edges of what
 *   remains go too ("videos of the dog" → "dog"). When nothing was, the text is the query as typed.
 * - Contradicting dates ("since 2021 before 2019") are dropped and stay words, with a note.
 */
import { FILE_TYPES, type FileType } from '../file-types.ts';
import { normaliseTag } from '../api/organize.ts';
import type { InterpretedQuery, QueryFilters, QueryNote } from '../api/schemas.ts';
import { findDates, toInstant, valueSpan, type Clock, type DateFinding, type Span } from './dates.ts';
import { FORMAT_NAMES, FORMAT_WORDS, FORMATS, isFormatName, type FormatName } from './formats.ts';
import { canonicalTimeZone, zoneOffsetMinutes } from './time-zone.ts';
import { coreOf, tokenize, type Token } from './tokens.ts';
import {
  CAMERA_ARTICLES, CAMERA_LEAD_INS, CAMERA_MAX_WORDS, FUNCTION_WORDS, PLACE_MAX_WORDS, TYPE_WORDS, TYPE_WORDS_MAX_LENGTH,
} from './vocabulary.ts';

/** Longer input is cut here (the API refuses more than this anyway). */
export const MAX_PARSED_CHARS = 1000;
/** Words read, at most; a pasted paragraph is cut with a note. */
export const MAX_QUERY_WORDS = 64;
export const MAX_EXCLUSIONS = 16;
const MAX_NAME_CHARS = 100;
/** `tag:` operators read, at most. */
export const MAX_TAG_FILTERS = 16;

export interface PlaceNames {
  folders: readonly string[];
  collections: readonly string[];
}

export interface ParseOptions {
  /** The moment of the search (injected, so relative dates are testable). */
  now: Date;
  /** The user's offset from UTC in minutes (e.g. 120 for UTC+2); days and months start at their midnight. Default 0. */
  utcOffsetMinutes?: number;
  /**
   * The user's IANA time zone ("Europe/Berlin"), over `utcOffsetMinutes`: each day starts at its
   * own midnight, summer time or not. A zone the runtime does not know is ignored (callers check it).
   */
  timeZone?: string | undefined;
  /**
   * The user's folders and collections: "in X" names one of them only when X is one. Without the
   * lists, capitalised words after "in" are taken for a folder ("in Holidays"). `'unavailable'`:
   * the server has no folders yet, so "in X" stays text and a note says so.
   */
  places?: PlaceNames | 'unavailable';
}

const TYPE_NAMES: Readonly<Record<string, FileType>> = {
  image: 'image', images: 'image', photo: 'image', photos: 'image', picture: 'image', pictures: 'image',
  video: 'video', videos: 'video', audio: 'audio', sound: 'audio', music: 'audio',
  document: 'document', documents: 'document', doc: 'document', docs: 'document',
};

const TYPE_LABELS: Readonly<Record<FileType, string>> = { image: 'photos', video: 'videos', audio: 'audio', document: 'documents' };

interface State {
  tokens: Token[];
  used: boolean[];
  /** Words that stay text whatever they look like (a screenshot is still a screenshot). */
  fixed: boolean[];
  /** Words put back into the text in place of a token taken out in this pass. */
  keep: Map<number, string>;
  types: Set<FileType>;
  formats: Set<FormatName>;
  dates: DateFinding[];
  camera?: string;
  folder?: string;
  collection?: string;
  /** The user's own tags (`tag:beach`), as stored (normaliseTag). */
  tags: string[];
  exclude: string[];
  notes: QueryNote[];
  clock: Clock;
}

/** Rounds of reading: taking words out can bring others together ("12 photos July" → "12 July"). */
const MAX_PASSES = 3;

export function parseQuery(query: string, options: ParseOptions): InterpretedQuery {
  const first = parseWith(query, options, true);
  if (first !== 'contradiction') return first;
  const again = parseWith(query, options, false) as InterpretedQuery;
  again.notes.push({ code: 'DATES_CONTRADICT', message: 'The dates contradict each other, so none was applied; their words were matched as text.' });
  return again;
}

function parseWith(query: string, options: ParseOptions, withDates: boolean): InterpretedQuery | 'contradiction' {
  const now = validTime(options.now);
  const zone = options.timeZone === undefined ? undefined : canonicalTimeZone(options.timeZone);
  const clock: Clock = { now, offsetMinutes: zone ? zoneOffsetMinutes(zone, now) : clampOffset(options.utcOffsetMinutes ?? 0), zone };
  const notes: QueryNote[] = [];
  let input = query.normalize('NFC').replace(/\s+/g, ' ').trim();
  if (input.length > MAX_PARSED_CHARS) {
    input = clip(input, MAX_PARSED_CHARS);
    notes.push({ code: 'QUERY_CLIPPED', message: `The query was cut to its first ${MAX_PARSED_CHARS} characters.` });
  }
  let tokens = tokenize(input);
  let touched = false;
  if (tokens.length > MAX_QUERY_WORDS) {
    tokens = tokens.slice(0, MAX_QUERY_WORDS);
    touched = true;
    notes.push({ code: 'QUERY_CLIPPED', message: `Only the first ${MAX_QUERY_WORDS} words were searched for.` });
  }
  const s: State = {
    tokens, used: tokens.map(() => false), fixed: tokens.map(() => false), keep: new Map(), types: new Set(), formats: new Set(), dates: [],
    tags: [], exclude: [], notes, clock,
  };
  readOperatorsAndExclusions(s, withDates);
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    readWords(s, options.places, withDates);
    if (!s.used.some(Boolean) && s.keep.size === 0) break;
    touched = true;
    compact(s);
  }
  const range = combineDates(s.dates);
  if (range === 'contradiction') return 'contradiction';
  const filters = buildFilters(s, range);
  // Words of contradicting dates go back as they were, "since" and "before" included: read again, they contradict again.
  const text = touched ? remainingText(s, withDates) : input;
  const phrases = s.tokens.flatMap((t) => (t.kind === 'phrase' ? [t.value] : []));
  if (text !== '' && s.tokens.every((t) => t.kind === 'word' && (t.core === '' || FUNCTION_WORDS.has(t.lower)))) {
    notes.push({ code: 'ONLY_COMMON_WORDS', message: `Only common words are left to match ("${text}"): results are ranked by meaning alone.` });
  }
  return { text, filters, phrases, notes };
}

/** One round over the words not yet taken: the user's own places, dates, kinds, a camera, guessed places. */
function readWords(s: State, places: ParseOptions['places'], withDates: boolean): void {
  const lists = places !== undefined && places !== 'unavailable';
  if (lists) readPlaces(s, places);
  if (withDates) {
    const blocked = s.used.map((u, i) => u || s.fixed[i]!);
    s.dates.push(...findDates(s.tokens, blocked, s.clock));
    blocked.forEach((b, i) => {
      if (b && !s.fixed[i]) s.used[i] = true;
    });
  }
  readTypes(s);
  readCamera(s);
  if (!lists) readPlaces(s, places);
}

/** Drops the words taken out; a word put back in place of one becomes fixed text. */
function compact(s: State): void {
  const tokens: Token[] = [];
  const fixed: boolean[] = [];
  s.tokens.forEach((t, i) => {
    const kept = s.keep.get(i);
    if (kept !== undefined) {
      tokens.push({ kind: 'word', raw: kept, core: kept, lower: kept.toLowerCase() });
      fixed.push(true);
    } else if (!s.used[i]) {
      tokens.push(t);
      fixed.push(s.fixed[i]!);
    }
  });
  Object.assign(s, { tokens, fixed, used: tokens.map(() => false), keep: new Map() });
}

const validTime = (d: Date): number => (Number.isFinite(d.getTime()) ? d.getTime() : Date.now());
const clampOffset = (m: number): number => (Number.isFinite(m) ? Math.max(-14 * 60, Math.min(14 * 60, Math.round(m))) : 0);

/** Cuts without leaving half of a surrogate pair at the end. */
function clip(s: string, max: number): string {
  const end = s.length > max && /[\uD800-\uDBFF]/.test(s[max - 1]!) ? max - 1 : max;
  return s.slice(0, end).trim();
}

function readOperatorsAndExclusions(s: State, withDates: boolean): void {
  s.tokens.forEach((t, i) => {
    if (t.kind === 'exclude') {
      s.used[i] = true;
      // Quotes inside a value could not be written back (formatQuery): they go.
      const value = t.value.replace(/"/g, '').trim().slice(0, MAX_NAME_CHARS);
      if (!value) return;
      if (s.exclude.length < MAX_EXCLUSIONS) {
        if (!s.exclude.some((e) => e.toLowerCase() === value.toLowerCase())) s.exclude.push(value);
      } else if (!s.notes.some((n) => n.code === 'TOO_MANY_EXCLUSIONS')) {
        s.notes.push({ code: 'TOO_MANY_EXCLUSIONS', message: `Only the first ${MAX_EXCLUSIONS} exclusions were applied.` });
      }
    }
    if (t.kind !== 'operator') return;
    const value = t.value.replace(/"/g, '').trim();
    if (!value) return;
    switch (t.key) {
      case 'type': {
        const word = coreOf(value).toLowerCase();
        const format = FORMAT_WORDS[word] ?? (isFormatName(word) ? word : undefined);
        const type = TYPE_NAMES[word];
        if (format) s.formats.add(format);
        else if (type) s.types.add(type);
        else return; // an unknown kind stays as typed
        s.used[i] = true;
        return;
      }
      case 'camera': case 'folder': case 'collection':
        s[t.key] = value.slice(0, MAX_NAME_CHARS);
        s.used[i] = true;
        return;
      case 'tag': {
        const tag = normaliseTag(value);
        if (tag === undefined) return; // too long to be a tag: stays as typed
        if (!s.tags.includes(tag) && s.tags.length < MAX_TAG_FILTERS) s.tags.push(tag);
        s.used[i] = true;
        return;
      }
      case 'from': case 'after': case 'before': case 'to': case 'on': {
        const span = withDates ? valueSpan(value, s.clock) : undefined;
        if (!span) return;
        const role = t.key === 'to' ? 'until' : t.key === 'on' ? 'plain' : t.key;
        s.dates.push({ tokens: [i], role, span });
        s.used[i] = true;
        return;
      }
    }
  });
}

const isContentWord = (t: Token | undefined): boolean =>
  t?.kind === 'word' && t.core !== '' && !FUNCTION_WORDS.has(t.lower) && TYPE_WORDS[t.lower] === undefined && FORMAT_WORDS[t.lower] === undefined;

function readTypes(s: State): void {
  for (let i = 0; i < s.tokens.length; i++) {
    if (s.used[i] || s.fixed[i] || s.tokens[i]!.kind !== 'word') continue;
    const format = FORMAT_WORDS[(s.tokens[i] as { lower: string }).lower];
    if (format) {
      s.formats.add(format);
      s.used[i] = true;
      continue;
    }
    for (let n = TYPE_WORDS_MAX_LENGTH; n >= 1; n--) {
      const span = Array.from({ length: n }, (_, k) => i + k);
      const words = span.map((k) => s.tokens[k]);
      if (words.some((w, k) => w?.kind !== 'word' || s.used[span[k]!] || s.fixed[span[k]!])) continue;
      const entry = TYPE_WORDS[words.map((w) => (w as { lower: string }).lower).join(' ')];
      if (!entry) continue;
      // "video game", "music festival": a singular kind that modifies the next word is the subject.
      if (!entry.plural && isContentWord(s.tokens[i + n]) && !s.used[i + n]) break;
      for (const t of entry.types) s.types.add(t);
      for (const k of span) s.used[k] = true;
      if (entry.keep) s.keep.set(i, entry.keep);
      i += n - 1;
      break;
    }
  }
}

const lowerOf = (t: Token | undefined): string | undefined => (t?.kind === 'word' ? t.lower : undefined);

function readCamera(s: State): void {
  if (s.camera !== undefined) return;
  for (let i = 0; i < s.tokens.length - 1; i++) {
    const lead = CAMERA_LEAD_INS.find(([a, b]) => lowerOf(s.tokens[i]) === a && lowerOf(s.tokens[i + 1]) === b);
    const free = (k: number) => !s.used[k] && !s.fixed[k];
    if (!lead || !free(i) || !free(i + 1)) continue;
    let k = i + 2;
    while (k < s.tokens.length && free(k) && CAMERA_ARTICLES.has(lowerOf(s.tokens[k]) ?? '')) k++;
    const name: number[] = [];
    while (k < s.tokens.length && name.length < CAMERA_MAX_WORDS && free(k) && isContentWord(s.tokens[k])) name.push(k++);
    if (name.length === 0) continue;
    s.camera = name.map((n) => (s.tokens[n] as { core: string }).core).join(' ').replace(/"/g, '').slice(0, MAX_NAME_CHARS);
    for (let u = i; u < k; u++) s.used[u] = true;
    return;
  }
}

const isCapitalised = (t: Token | undefined): boolean => t?.kind === 'word' && /^\p{Lu}/u.test(t.core) && !FUNCTION_WORDS.has(t.lower);
const squash = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

function readPlaces(s: State, places: ParseOptions['places']): void {
  if (s.folder !== undefined || s.collection !== undefined) return;
  const free = (k: number) => !s.used[k] && !s.fixed[k];
  for (let i = 0; i < s.tokens.length - 1; i++) {
    if (!free(i) || lowerOf(s.tokens[i]) !== 'in') continue;
    let k = i + 1;
    if (['the', 'my', 'our'].includes(lowerOf(s.tokens[k]) ?? '') && free(k)) k++;
    if (places === undefined || places === 'unavailable') {
      const name: number[] = [];
      while (k < s.tokens.length && name.length < PLACE_MAX_WORDS && free(k) && isCapitalised(s.tokens[k])) name.push(k++);
      if (name.length === 0) continue;
      const words = name.map((n) => (s.tokens[n] as { core: string }).core).join(' ').replace(/"/g, '');
      if (places === 'unavailable') {
        if (s.notes.some((n) => n.code === 'FILTER_NOT_AVAILABLE')) return;
        s.notes.push({ code: 'FILTER_NOT_AVAILABLE', message: `Folders and collections are not searchable yet: "${words}" was matched as words.` });
        return;
      }
      s.folder = words.slice(0, MAX_NAME_CHARS);
      for (let u = i; u < k; u++) s.used[u] = true;
      return;
    }
    // The longest run of words that is one of the user's own folders or collections.
    for (let n = Math.min(8, s.tokens.length - k); n >= 1; n--) {
      const span = Array.from({ length: n }, (_, j) => k + j);
      if (span.some((j) => !free(j) || s.tokens[j]!.kind !== 'word')) continue;
      const said = squash(span.map((j) => (s.tokens[j] as { core: string }).core).join(' '));
      const folder = places.folders.find((f) => squash(f) === said);
      const collection = folder === undefined ? places.collections.find((c) => squash(c) === said) : undefined;
      if (folder === undefined && collection === undefined) continue;
      if (folder !== undefined) s.folder = folder;
      else s.collection = collection;
      for (let u = i; u < k + n; u++) s.used[u] = true;
      return;
    }
  }
}

function buildFilters(s: State, range: { start?: number; end?: number } | undefined): QueryFilters {
  const filters: QueryFilters = {};
  // A format counts as its type too; a type named alongside keeps all of its formats.
  const types = new Set([...s.types, ...[...s.formats].map((f) => FORMATS[f].type)]);
  if (types.size > 0) filters.file_types = FILE_TYPES.filter((t) => types.has(t));
  if (s.formats.size > 0) filters.formats = FORMAT_NAMES.filter((f) => s.formats.has(f));
  if (types.size > 1) {
    const kinds = [...s.types].map((t) => TYPE_LABELS[t]).concat([...s.formats].map((f) => f.toUpperCase()));
    s.notes.push({ code: 'TYPES_COMBINED', message: `Files of any of these kinds: ${kinds.join(', ')}.` });
  }
  if (range) {
    if (range.start !== undefined) filters.date_from = new Date(toInstant(range.start, s.clock)).toISOString();
    if (range.end !== undefined) filters.date_to = new Date(toInstant(range.end, s.clock) - 1).toISOString();
  }
  if (s.camera) filters.camera = s.camera;
  if (s.folder) filters.folder = s.folder;
  if (s.collection) filters.collection = s.collection;
  if (s.tags.length > 0) filters.tags = s.tags;
  if (s.exclude.length > 0) filters.exclude = s.exclude;
  return filters;
}

/**
 * Plain dates widen to cover each other ("2019 2020" is both years); "since", "after", "before"
 * and "until" bound the result. Undefined when there are no dates.
 */
function combineDates(dates: readonly DateFinding[]): { start?: number; end?: number } | 'contradiction' | undefined {
  if (dates.length === 0) return undefined;
  let start: number | undefined;
  let end: number | undefined;
  const plain = dates.filter((d) => d.role === 'plain').map((d) => d.span);
  if (plain.length > 0) {
    start = Math.min(...plain.map((p) => p.start));
    end = Math.max(...plain.map((p) => p.end));
  }
  const bound = (role: DateFinding['role'], pick: (sp: Span) => number) => dates.filter((d) => d.role === role).map((d) => pick(d.span));
  for (const from of [...bound('from', (sp) => sp.start), ...bound('after', (sp) => sp.end)]) start = start === undefined ? from : Math.max(start, from);
  for (const to of [...bound('before', (sp) => sp.start), ...bound('until', (sp) => sp.end)]) end = end === undefined ? to : Math.min(end, to);
  if (start !== undefined && end !== undefined && start >= end) return 'contradiction';
  return { ...(start !== undefined ? { start } : {}), ...(end !== undefined ? { end } : {}) };
}

/** The words no filter took, in their order, without common words at either end ("videos of the dog" → "dog"). */
function remainingText(s: State, trim: boolean): string {
  const pieces = s.tokens.flatMap((t, i) => {
    if (s.used[i]) return [];
    if (t.kind === 'phrase') return [{ text: `"${t.value}"`, common: false }];
    if (t.kind === 'word') return [{ text: t.raw, common: !s.fixed[i] && (t.core === '' || FUNCTION_WORDS.has(t.lower)) }];
    return t.kind === 'operator' ? [{ text: t.raw, common: false }] : [];
  });
  let a = 0;
  let b = pieces.length;
  while (trim && a < b && pieces[a]!.common) a++;
  while (trim && b > a && pieces[b - 1]!.common) b--;
  return pieces.slice(a, b).map((p) => p.text).join(' ');
}
