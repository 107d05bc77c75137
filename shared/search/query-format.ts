/**
 * The other way round: a query string that reads back as the given text and filters, in the
 * operator syntax (`type:pdf from:2019-03-01 camera:"Canon EOS" -draft`). A client that shows the
 * filters as chips removes one and searches for this string without it.
 */
import type { QueryFilters } from '../api/schemas.ts';
import { FORMATS } from './formats.ts';
import { canonicalTimeZone, toWallClock, type ZoneOrOffset } from './time-zone.ts';

const DAY = 86_400_000;

/** `name`, or `"two words"` and `"#x"` where a bare word would not read back the same (the parser keeps no quotes in values). */
const quoted = (value: string): string => {
  const v = value.replace(/"/g, '').trim();
  return /^[\p{L}\p{N}]+$/u.test(v) ? v : `"${v}"`;
};

/** A whole day in the user's calendar as YYYY-MM-DD, any other instant as ISO 8601. */
function dateValue(instant: number, z: ZoneOrOffset, shiftDays = 0): string {
  const local = toWallClock(instant, z);
  if (local % DAY !== 0) return new Date(instant).toISOString();
  return new Date(local + shiftDays * DAY).toISOString().slice(0, 10);
}

/** `timeZone` (IANA) wins over `utcOffsetMinutes`; use the one the query is parsed with. */
export function formatQuery(q: { text: string; filters: QueryFilters }, opts: { utcOffsetMinutes?: number; timeZone?: string | undefined } = {}): string {
  const zone = opts.timeZone === undefined ? undefined : canonicalTimeZone(opts.timeZone);
  const offset: ZoneOrOffset = zone ? { zone } : { offsetMinutes: opts.utcOffsetMinutes ?? 0 };
  const f = q.filters;
  const parts: string[] = [];
  if (q.text.trim()) parts.push(q.text.trim());
  const formats = f.formats ?? [];
  const formatTypes = new Set(formats.map((name) => FORMATS[name].type));
  for (const t of f.file_types ?? []) if (!formatTypes.has(t)) parts.push(`type:${t}`);
  for (const name of formats) parts.push(`type:${name}`);
  if (f.date_from) {
    const t = Date.parse(f.date_from);
    if (Number.isFinite(t)) parts.push(`from:${dateValue(t, offset)}`);
  }
  if (f.date_to) {
    const t = Date.parse(f.date_to);
    // date_to is inclusive: the day that ends just after it, or the instant itself.
    if (Number.isFinite(t)) parts.push(`to:${toWallClock(t + 1, offset) % DAY === 0 ? dateValue(t + 1, offset, -1) : new Date(t).toISOString()}`);
  }
  if (f.camera) parts.push(`camera:${quoted(f.camera)}`);
  if (f.folder) parts.push(`folder:${quoted(f.folder)}`);
  if (f.collection) parts.push(`collection:${quoted(f.collection)}`);
  for (const t of f.tags ?? []) parts.push(`tag:${quoted(t)}`);
  for (const e of f.exclude ?? []) parts.push(`-${quoted(e)}`);
  return parts.join(' ');
}
