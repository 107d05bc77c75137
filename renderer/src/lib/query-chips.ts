/**
 * What the server understood a query to mean, as removable chips, and the query text that asks the
 * same without one of them or with one more facet. The query text is the one source of truth: a
 * chip removed or a facet clicked writes a new query (shared formatQuery's operator form, which the
 * server reads back the same) and searches for it; nothing else holds a filter.
 */
import type { InterpretedQuery, QueryFilters, SearchFacets } from '../../../shared/api/schemas.ts';
import type { FileType } from '../../../shared/file-types.ts';
import { FORMATS, isFormatName, type FormatName } from '../../../shared/search/formats.ts';
import { formatQuery } from '../../../shared/search/query-format.ts';
import { TYPE_LABELS } from './items.ts';

export type ChipKind = 'type' | 'format' | 'dates' | 'camera' | 'folder' | 'collection' | 'tag' | 'exclude' | 'phrase';

export interface QueryChip {
  kind: ChipKind;
  /** The one value of a list (a type, a format, a tag, an exclusion, a phrase) this chip stands for. */
  value?: string;
  /** What the chip says ("PDF", "2019", "Camera: Canon"). */
  label: string;
}

export type FacetKey = keyof SearchFacets;
type Interpretation = Pick<InterpretedQuery, 'text' | 'filters' | 'phrases'>;

const FORMAT_LABELS: Partial<Record<FormatName, string>> = { markdown: 'Markdown', txt: 'Plain text' };
const formatLabel = (f: FormatName): string => FORMAT_LABELS[f] ?? f.toUpperCase();

// Days, months and years in the user's own calendar (the page's time zone, which the search is sent with).
const startOfYear = (y: number) => new Date(y, 0, 1).getTime();
const startOfMonth = (y: number, m: number) => new Date(y, m, 1).getTime();
const dayFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const monthFormat = new Intl.DateTimeFormat(undefined, { month: 'long', year: 'numeric' });

/** "2019", "March 2023", "14 Jul 2019", "Since 1 Mar 2021", "1 Mar – 31 Mar 2023"… */
export function datesLabel(f: Pick<QueryFilters, 'date_from' | 'date_to'>): string | undefined {
  const from = f.date_from ? Date.parse(f.date_from) : NaN;
  // date_to is inclusive (the last millisecond); the day after it starts the next range.
  const end = f.date_to ? Date.parse(f.date_to) + 1 : NaN;
  if (Number.isFinite(from) && Number.isFinite(end)) {
    const d = new Date(from);
    const y = d.getFullYear();
    if (from === startOfYear(y) && end === startOfYear(y + 1)) return String(y);
    if (from === startOfMonth(y, d.getMonth()) && end === startOfMonth(y, d.getMonth() + 1)) return monthFormat.format(d);
    if (end === new Date(y, d.getMonth(), d.getDate() + 1).getTime()) return dayFormat.format(d);
    return dayFormat.formatRange(d, new Date(end - 1));
  }
  if (Number.isFinite(from)) return `Since ${dayFormat.format(new Date(from))}`;
  if (Number.isFinite(end)) return `Until ${dayFormat.format(new Date(end - 1))}`;
  return undefined;
}

/** One chip per filter the server applied, and one per quoted phrase, in the order they read. */
export function queryChips(q: Interpretation): QueryChip[] {
  const f = q.filters;
  const chips: QueryChip[] = [];
  const formats = (f.formats ?? []).filter(isFormatName);
  // A format stands for its type too ("pdf" → documents, PDF only): the format's chip says both.
  const formatTypes = new Set<FileType>(formats.map((name) => FORMATS[name].type));
  for (const t of f.file_types ?? []) if (!formatTypes.has(t)) chips.push({ kind: 'type', value: t, label: TYPE_LABELS[t].many });
  for (const name of formats) chips.push({ kind: 'format', value: name, label: formatLabel(name) });
  const dates = datesLabel(f);
  if (dates) chips.push({ kind: 'dates', label: dates });
  if (f.camera) chips.push({ kind: 'camera', label: `Camera: ${f.camera}` });
  if (f.folder) chips.push({ kind: 'folder', label: `Folder: ${f.folder}` });
  if (f.collection) chips.push({ kind: 'collection', label: `Collection: ${f.collection}` });
  for (const t of f.tags ?? []) chips.push({ kind: 'tag', value: t, label: `Tag: ${t}` });
  for (const p of q.phrases) chips.push({ kind: 'phrase', value: p, label: `\u201c${p}\u201d` });
  for (const e of f.exclude ?? []) chips.push({ kind: 'exclude', value: e, label: `Without: ${e}` });
  return chips;
}

/** The query written back from text and filters, dates as days of the user's calendar. */
function write(text: string, filters: QueryFilters): string {
  const at = Date.parse(filters.date_from ?? filters.date_to ?? '');
  // getTimezoneOffset is minutes behind UTC at that instant (daylight saving included).
  const utcOffsetMinutes = Number.isFinite(at) ? -new Date(at).getTimezoneOffset() : 0;
  return formatQuery({ text: text.replace(/\s+/g, ' ').trim(), filters }, { utcOffsetMinutes });
}

const nonEmpty = <T>(list: T[]): T[] | undefined => (list.length > 0 ? list : undefined);
const without = <T>(list: readonly T[] | undefined, value: T): T[] | undefined => nonEmpty((list ?? []).filter((x) => x !== value));

/** The query that asks the same as `q` without this chip ('' when nothing is left). */
export function queryWithout(q: Interpretation, chip: QueryChip): string {
  const f: QueryFilters = { ...q.filters };
  let text = q.text;
  switch (chip.kind) {
    case 'type':
      f.file_types = without(f.file_types, chip.value as FileType);
      break;
    case 'format': {
      const name = chip.value as FormatName;
      f.formats = without(f.formats, name);
      const type = FORMATS[name].type;
      // The type came with the format; it goes with the last format of its kind.
      if (!(f.formats ?? []).some((other) => FORMATS[other].type === type)) f.file_types = without(f.file_types, type);
      break;
    }
    case 'dates':
      f.date_from = undefined;
      f.date_to = undefined;
      break;
    case 'camera': case 'folder': case 'collection':
      f[chip.kind] = undefined;
      break;
    case 'tag':
      f.tags = without(f.tags, chip.value ?? '');
      break;
    case 'exclude':
      f.exclude = without(f.exclude, chip.value ?? '');
      break;
    case 'phrase':
      text = text.replace(`"${chip.value ?? ''}"`, ' ');
      break;
  }
  return write(text, f);
}

/** The range of a year facet ("2019") or a month facet ("2019-07") in the user's calendar. */
function facetRange(key: 'year' | 'month', value: string): Pick<QueryFilters, 'date_from' | 'date_to'> | undefined {
  const [y, m] = value.split('-').map(Number);
  if (!y || (key === 'month' && !m)) return undefined;
  const from = key === 'year' ? startOfYear(y) : startOfMonth(y, m! - 1);
  const end = key === 'year' ? startOfYear(y + 1) : startOfMonth(y, m!);
  return { date_from: new Date(from).toISOString(), date_to: new Date(end - 1).toISOString() };
}

/** Whether the query already filters on exactly this facet value (its button shows pressed). */
export function facetActive(q: Interpretation, key: FacetKey, value: string): boolean {
  const f = q.filters;
  switch (key) {
    case 'file_type': return (f.file_types ?? []).includes(value as FileType);
    case 'year': case 'month': {
      const r = facetRange(key, value);
      return r !== undefined && r.date_from === f.date_from && r.date_to === f.date_to;
    }
    case 'camera': case 'folder': case 'collection': return f[key] === value;
  }
}

/** The query narrowed to this facet value, or, when it is already applied, widened without it. */
export function queryWithFacet(q: Interpretation, key: FacetKey, value: string): string {
  const f: QueryFilters = { ...q.filters };
  const active = facetActive(q, key, value);
  switch (key) {
    case 'file_type': {
      const type = value as FileType;
      // Narrowing keeps the formats of that type ("pdf" stays when Documents is clicked); widening drops them.
      f.file_types = active ? without(f.file_types, type) : [type];
      f.formats = nonEmpty((f.formats ?? []).filter((name) => (FORMATS[name].type === type) !== active));
      break;
    }
    case 'year': case 'month': {
      const r = active ? { date_from: undefined, date_to: undefined } : facetRange(key, value);
      if (r) Object.assign(f, r);
      break;
    }
    case 'camera': case 'folder': case 'collection':
      f[key] = active ? undefined : value;
      break;
  }
  return write(q.text, f);
}

/** The query with the word being typed replaced by a suggestion: a tag as words, a camera or place as its operator. */
export function queryWithSuggestion(query: string, s: { kind: 'tag' | 'camera' | 'folder' | 'collection'; value: string }): string {
  const head = query.replace(/\S*$/, '');
  const words = s.kind === 'tag' ? (/^[\p{L}\p{N}]+$/u.test(s.value) ? s.value : `"${s.value.replace(/"/g, '')}"`) : formatQuery({ text: '', filters: { [s.kind]: s.value } });
  return `${head}${words} `;
}
