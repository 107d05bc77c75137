/**
 * What a search understood, as short labels people read ("type pdf", "2025-03-01 → 2025-03-31",
 * "camera Canon", "without draft"): one per filter, so a CLI line or a row of chips can show them
 * and a chip can name the filter it removes. Dates are shown as days in the user's time zone.
 */
import type { InterpretedQuery, QueryFilters } from '../api/schemas.ts';
import { FORMATS } from './formats.ts';

export type FilterKey = 'text' | 'file_types' | 'formats' | 'dates' | 'camera' | 'folder' | 'collection' | 'exclude';

export interface FilterLabel {
  key: FilterKey;
  /** For lists (types, formats, exclusions): the one value this label stands for. */
  value?: string;
  label: string;
}

/**
 * The day (YYYY-MM-DD) an instant falls on in `timeZone` (an IANA name; UTC when absent or
 * unknown to this runtime), with the time too when it is not the start or end of that day.
 */
export function dayIn(iso: string, timeZone: string | undefined, edge: 'start' | 'end'): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return iso;
  const parts = partsIn(t, timeZone);
  const day = `${parts.year}-${parts.month}-${parts.day}`;
  const time = `${parts.hour}:${parts.minute}`;
  const wholeDay = edge === 'start' ? time === '00:00' : time === '23:59';
  return wholeDay ? day : `${day} ${time}`;
}

function partsIn(t: number, timeZone: string | undefined): Record<'year' | 'month' | 'day' | 'hour' | 'minute', string> {
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-CA', {
      timeZone: timeZone ?? 'UTC', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23',
    });
  } catch {
    return partsIn(t, 'UTC');
  }
  const out = { year: '', month: '', day: '', hour: '', minute: '' };
  for (const p of format.formatToParts(new Date(t))) if (p.type in out) out[p.type as keyof typeof out] = p.value;
  return out;
}

/** Dates as one label: `2025-03-01 → 2025-03-31`, `since 2021-01-01`, `until 2019-12-31`. */
function datesLabel(f: QueryFilters, timeZone: string | undefined): string | undefined {
  const from = f.date_from ? dayIn(f.date_from, timeZone, 'start') : undefined;
  const to = f.date_to ? dayIn(f.date_to, timeZone, 'end') : undefined;
  if (from && to) return from === to ? from : `${from} → ${to}`;
  if (from) return `since ${from}`;
  if (to) return `until ${to}`;
  return undefined;
}

const quote = (s: string): string => (/\s/.test(s) ? `"${s}"` : s);

export function filterLabels(q: Pick<InterpretedQuery, 'text' | 'filters'>, opts: { timeZone?: string | undefined } = {}): FilterLabel[] {
  const f = q.filters;
  const labels: FilterLabel[] = [];
  if (q.text.trim()) labels.push({ key: 'text', label: `"${q.text.trim()}"` });
  // A format names its type already: "pdf" is a document (see formatQuery).
  const formatTypes = new Set((f.formats ?? []).map((name) => FORMATS[name].type));
  for (const t of f.file_types ?? []) if (!formatTypes.has(t)) labels.push({ key: 'file_types', value: t, label: `type ${t}` });
  for (const name of f.formats ?? []) labels.push({ key: 'formats', value: name, label: `type ${name}` });
  const dates = datesLabel(f, opts.timeZone);
  if (dates) labels.push({ key: 'dates', label: dates });
  if (f.camera) labels.push({ key: 'camera', label: `camera ${quote(f.camera)}` });
  if (f.folder) labels.push({ key: 'folder', label: `folder ${quote(f.folder)}` });
  if (f.collection) labels.push({ key: 'collection', label: `collection ${quote(f.collection)}` });
  for (const e of f.exclude ?? []) labels.push({ key: 'exclude', value: e, label: `without ${quote(e)}` });
  return labels;
}
