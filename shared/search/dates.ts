/**
 * Dates in a query, read by chrono-node ("July 2023", "last week", "since March", "3 days ago",
 * "from March to May 2022"), plus what it leaves alone: bare years ("2019", "2019-2021", "between
 * 2019 and 2021"), decades ("1990s"). Every date becomes a span of time in the user's calendar: a
 * day, a week (Monday first), a month, a year; then "since", "after", "before", "until" make it an
 * open range. A date in the future is not a filter (content cannot be made later than now): its
 * words stay text, as do a month alone without a date word before it ("May" may be a name).
 */
import { casual, type ParsedResult } from 'chrono-node';
import { fromWallClock, toWallClock, type ZoneOrOffset } from './time-zone.ts';
import type { Token } from './tokens.ts';
import { AFTER_WORDS, BEFORE_WORDS, DATE_PREPOSITIONS, FROM_WORDS, PLAIN_DATE_WORDS, UNTIL_WORDS } from './vocabulary.ts';

/** Milliseconds in the user's wall-clock time read as if it were UTC; `end` is exclusive. */
export interface Span {
  start: number;
  end: number;
}

export type DateRole = 'plain' | 'from' | 'after' | 'before' | 'until';

export interface DateFinding {
  /** Indices into the token list: the date's words and the word that introduced it. */
  tokens: number[];
  role: DateRole;
  span: Span;
}

/**
 * The moment of the search and the user's offset from UTC: everything relative is read against
 * them. With a zone, `offsetMinutes` is its offset now, and wall-clock times turn into instants
 * with the offset of their own day (summer or winter time).
 */
export interface Clock {
  now: number;
  offsetMinutes: number;
  zone?: string | undefined;
}

const zoneOf = (clock: Clock): ZoneOrOffset => (clock.zone ? { zone: clock.zone } : { offsetMinutes: clock.offsetMinutes });

const DAY = 86_400_000;
const local = (clock: Clock): number => toWallClock(clock.now, zoneOf(clock));

type Unit = 'day' | 'week' | 'weekend' | 'month' | 'year';

/** The calendar unit (in wall-clock time) that holds `t`. */
export function unitSpan(t: number, unit: Unit): Span {
  const d = new Date(t);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const day = Date.UTC(y, m, d.getUTCDate());
  switch (unit) {
    case 'day': return { start: day, end: day + DAY };
    case 'week': {
      const monday = day - ((d.getUTCDay() + 6) % 7) * DAY;
      return { start: monday, end: monday + 7 * DAY };
    }
    case 'weekend': {
      // Saturday and Sunday; a weekday belongs to the weekend before it.
      const saturday = day - ((d.getUTCDay() + 1) % 7) * DAY;
      return { start: saturday, end: saturday + 2 * DAY };
    }
    case 'month': return { start: Date.UTC(y, m, 1), end: Date.UTC(y, m + 1, 1) };
    case 'year': return { start: Date.UTC(y, 0, 1), end: Date.UTC(y + 1, 0, 1) };
  }
}

const MIN_YEAR = 1900;
const MAX_YEAR = 2099;
const yearSpan = (from: number, to = from): Span => ({ start: Date.UTC(from, 0, 1), end: Date.UTC(to + 1, 0, 1) });

/** "2019", "1990s", "2019-2021", "2019–21"; undefined for anything else. */
export function yearWordSpan(word: string): Span | undefined {
  let m = /^((?:19|20)\d\d)$/.exec(word);
  if (m) return yearSpan(Number(m[1]));
  m = /^((?:19|20)\d)0'?s$/.exec(word);
  if (m) return yearSpan(Number(m[1]) * 10, Number(m[1]) * 10 + 9);
  m = /^((?:19|20)\d\d)[-–](\d\d|(?:19|20)\d\d)$/.exec(word);
  if (m) {
    const from = Number(m[1]);
    const to = m[2]!.length === 2 ? Math.floor(from / 100) * 100 + Number(m[2]) : Number(m[2]);
    return to > from && to <= MAX_YEAR ? yearSpan(from, to) : undefined;
  }
  return undefined;
}

const NUMBER_WORDS = /\b(\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|few|couple|several)\b/;

function unitOf(text: string): Unit | 'time' | undefined {
  if (/\b(hours?|hrs?|minutes?|mins?|seconds?|secs?)\b/.test(text)) return 'time';
  if (/\bweekends?\b/.test(text)) return 'weekend';
  if (/\bweeks?\b/.test(text)) return 'week';
  if (/\bmonths?\b/.test(text)) return 'month';
  if (/\byears?\b/.test(text)) return 'year';
  if (/\bdays?\b/.test(text)) return 'day';
  return undefined;
}

const dayOf = (c: ParsedResult['start']): number | undefined => {
  const y = c.get('year');
  const m = c.get('month');
  const d = c.get('day');
  return y === null || m === null || d === null ? undefined : Date.UTC(y, m - 1, d);
};

/** The span of one end of a chrono result, as precise as what was said: a day, a month or a year. */
function absoluteSpan(c: ParsedResult['start']): Span | undefined {
  const t = dayOf(c);
  if (t === undefined) return undefined;
  if (c.isCertain('day') || c.isCertain('weekday')) return unitSpan(t, 'day');
  if (c.isCertain('month')) return unitSpan(t, 'month');
  if (c.isCertain('year')) return unitSpan(t, 'year');
  return undefined;
}

/** A year left to chrono's guess lands on the most recent past one: "since March" in February is last March. */
function pastOccurrence(span: Span, c: ParsedResult['start'], clock: Clock): Span {
  if (c.isCertain('year') || span.start <= local(clock)) return span;
  const back = (t: number) => {
    const d = new Date(t);
    return Date.UTC(d.getUTCFullYear() - 1, d.getUTCMonth(), d.getUTCDate());
  };
  return { start: back(span.start), end: back(span.end) };
}

/** What one chrono result means as a span, or undefined when it should stay words. */
export function chronoSpan(r: ParsedResult, clock: Clock, leadIn: string | undefined): Span | undefined {
  const text = r.text.toLowerCase();
  const unit = unitOf(text);
  if (unit === 'time') return undefined;
  const s = r.start;
  const tags = [...r.tags(), ...s.tags()];
  const dateKnown = s.isCertain('day') || s.isCertain('month') || s.isCertain('year');
  const relative = tags.some((t) => t === 'result/relativeDate' || t.startsWith('casualReference/'))
    || /\b(ago|last|past|previous|this|yesterday|today|tonight)\b/.test(text);
  if (!dateKnown && !relative && !s.isCertain('weekday')) return undefined; // "at 5pm", "10:30"
  if (!dateKnown && s.isCertain('weekday') && !relative && leadIn !== 'last' && leadIn !== 'this') return undefined; // "sunday brunch"
  // "in 5 days", "in 1990s" (seconds!): chrono's future offsets are not when content was made.
  if (tags.includes('result/relativeDate') && s.date().getTime() > clock.now) return undefined;
  const t = dayOf(s);
  if (t === undefined) return undefined;
  if (r.end) {
    const from = absoluteSpan(s);
    const to = absoluteSpan(r.end);
    if (!from || !to) return undefined;
    return pastOccurrence({ start: from.start, end: Math.max(from.end, to.end) }, s, clock);
  }
  const now = local(clock);
  if (/^past\b/.test(text) || (/^(last|previous)\b/.test(text) && NUMBER_WORDS.test(text.replace(/^(last|previous)\s+/, '').split(/\s+/)[0] ?? ''))) {
    return { start: unitSpan(t, 'day').start, end: unitSpan(now, 'day').end }; // "past week", "last 3 days": up to today
  }
  if (/^this\b/.test(text)) return unitSpan(now, unit ?? 'day');
  if (unit) return unitSpan(t, unit); // "last week", "two months ago", "last weekend"
  if (relative) return unitSpan(t, 'day'); // "yesterday", "3 days ago", "last friday"
  if (tags.includes('parser/SlashDateFormatParser') && !s.isCertain('year')) return undefined; // "3/4 cup"
  const onlyMonth = s.isCertain('month') && !s.isCertain('day') && !s.isCertain('year');
  if (onlyMonth && !(leadIn !== undefined && DATE_PREPOSITIONS.has(leadIn))) return undefined; // "May", "march madness"
  const span = absoluteSpan(s);
  return span && pastOccurrence(span, s, clock);
}

/** Content made between 1900 and now: "2019 years ago", next week or "after 2030" are not dates of a file. */
const plausible = (span: Span, clock: Clock, role: DateRole = 'plain'): boolean =>
  span.start >= Date.UTC(MIN_YEAR, 0, 1) && (role === 'after' ? span.end : span.start) <= local(clock);

const roleOf = (word: string | undefined): DateRole | undefined => {
  if (word === undefined) return undefined;
  if (FROM_WORDS.has(word)) return 'from';
  if (AFTER_WORDS.has(word)) return 'after';
  if (BEFORE_WORDS.has(word)) return 'before';
  if (UNTIL_WORDS.has(word)) return 'until';
  if (PLAIN_DATE_WORDS.has(word)) return 'plain';
  return undefined;
};

/** Consecutive unused words with letters or digits: the stretches chrono reads. */
function runsOf(tokens: readonly Token[], used: readonly boolean[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  tokens.forEach((t, i) => {
    if (t.kind === 'word' && t.core !== '' && !used[i]) run.push(i);
    else if (run.length > 0) {
      runs.push(run);
      run = [];
    }
  });
  if (run.length > 0) runs.push(run);
  return runs;
}

const lowerAt = (tokens: readonly Token[], i: number | undefined): string | undefined => {
  const t = i === undefined ? undefined : tokens[i];
  return t?.kind === 'word' ? t.lower : undefined;
};

/**
 * The words before a date that say how to read it: "since", "before", "in"… ("in the last 2
 * weeks", "from last March": a second word back when the first is "the", "last" or "this").
 */
function leadInOf(tokens: readonly Token[], run: readonly number[], k: number): { role: DateRole; words: number[]; word: string } | undefined {
  const prev1 = lowerAt(tokens, run[k - 1]);
  const prev2 = lowerAt(tokens, run[k - 2]);
  if ((prev1 === 'the' || prev1 === 'last' || prev1 === 'this') && roleOf(prev2) !== undefined && prev2 !== 'last' && prev2 !== 'this') {
    return { role: roleOf(prev2)!, words: [run[k - 2]!, run[k - 1]!], word: prev1 };
  }
  const role = roleOf(prev1);
  return role ? { role, words: [run[k - 1]!], word: prev1! } : undefined;
}

/** Reads every date in the unused words; marks their tokens used. */
export function findDates(tokens: readonly Token[], used: boolean[], clock: Clock): DateFinding[] {
  const found: DateFinding[] = [];
  for (const run of runsOf(tokens, used)) found.push(...chronoDates(tokens, used, run, clock));
  for (const run of runsOf(tokens, used)) found.push(...yearDates(tokens, used, run, clock));
  return found;
}

function chronoDates(tokens: readonly Token[], used: boolean[], run: readonly number[], clock: Clock): DateFinding[] {
  let text = '';
  const starts: number[] = [];
  const ends: number[] = [];
  for (const i of run) {
    if (text) text += ' ';
    starts.push(text.length);
    text += (tokens[i] as { core: string }).core;
    ends.push(text.length);
  }
  let results: ParsedResult[];
  try {
    results = casual.parse(text, { instant: new Date(clock.now), timezone: clock.offsetMinutes }, { forwardDate: false });
  } catch {
    return []; // a parser failure costs the dates, never the search
  }
  const found: DateFinding[] = [];
  let between: { finding: DateFinding; lastK: number } | undefined;
  for (const r of results) {
    const first = starts.indexOf(r.index);
    const last = ends.indexOf(r.index + r.text.length);
    if (first < 0 || last < first) continue; // chrono read part of a word: not a date of ours
    const lead = leadInOf(tokens, run, first);
    const span = chronoSpan(r, clock, lead?.word);
    if (!span || !plausible(span, clock, lead?.role)) continue;
    const words = run.slice(first, last + 1);
    if (between && lowerAt(tokens, run[first - 1]) === 'and' && between.lastK === first - 2) {
      const b = between.finding;
      b.tokens.push(run[first - 1]!, ...words);
      b.span = { start: Math.min(b.span.start, span.start), end: Math.max(b.span.end, span.end) };
      between = undefined;
      continue;
    }
    if (lowerAt(tokens, run[first - 1]) === 'between') {
      const finding: DateFinding = { tokens: [run[first - 1]!, ...words], role: 'plain', span };
      found.push(finding);
      between = { finding, lastK: last };
      continue;
    }
    found.push({ tokens: [...(lead?.words ?? []), ...words], role: lead?.role ?? 'plain', span });
  }
  for (const f of found) for (const i of f.tokens) used[i] = true;
  return found;
}

const RANGE_WORDS = new Set(['to', 'through', 'thru', 'till', 'until']);

function yearDates(tokens: readonly Token[], used: boolean[], run: readonly number[], clock: Clock): DateFinding[] {
  const found: DateFinding[] = [];
  for (let k = 0; k < run.length; k++) {
    const span = yearWordSpan(lowerAt(tokens, run[k])!);
    if (!span) continue;
    const words = [run[k]!];
    let whole = span;
    // "2019 to 2021", "between 2019 and 2021"
    const joiner = lowerAt(tokens, run[k + 1]);
    const second = run[k + 2] === undefined ? undefined : yearWordSpan(lowerAt(tokens, run[k + 2])!);
    const isBetween = lowerAt(tokens, run[k - 1]) === 'between';
    if (second && second.start >= span.start && ((joiner !== undefined && RANGE_WORDS.has(joiner)) || (isBetween && joiner === 'and'))) {
      words.push(run[k + 1]!, run[k + 2]!);
      whole = { start: span.start, end: second.end };
    }
    const lead = isBetween ? { role: 'plain' as const, words: [run[k - 1]!] } : leadInOf(tokens, run, k);
    k += words.length - 1;
    if (!plausible(whole, clock, lead?.role) || lead?.words.some((i) => used[i])) continue;
    const finding: DateFinding = { tokens: [...(lead?.words ?? []), ...words], role: lead?.role ?? 'plain', span: whole };
    for (const i of finding.tokens) used[i] = true;
    found.push(finding);
  }
  return found;
}

/**
 * What an operator's value means (`after:2019-03-01`, `on:2019`, `from:"last March"`): an ISO
 * instant is itself; a year, month or day is that span; anything else is read by chrono as a
 * whole, a month alone included (the operator says it is a date).
 */
export function valueSpan(value: string, clock: Clock): Span | undefined {
  const v = value.trim();
  if (/^\d{4}-\d{2}-\d{2}T/.test(v)) {
    const t = Date.parse(v);
    if (!Number.isFinite(t)) return undefined;
    const wall = toWallClock(t, zoneOf(clock));
    return { start: wall, end: wall + 1 };
  }
  const year = yearWordSpan(v);
  if (year) return year;
  let m = /^(\d{4})-(\d{2})$/.exec(v);
  if (m) return validDate(Number(m[1]), Number(m[2]), 1) ? unitSpan(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1), 'month') : undefined;
  m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(v);
  if (m) return validDate(Number(m[1]), Number(m[2]), Number(m[3])) ? unitSpan(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])), 'day') : undefined;
  // "last March": chrono reads the month alone; the word before it is how to read it, as in a sentence.
  const lead = /^(last|this|in|on|of)\s+/i.exec(v);
  const rest = lead ? v.slice(lead[0].length) : v;
  try {
    const [r] = casual.parse(rest, { instant: new Date(clock.now), timezone: clock.offsetMinutes }, { forwardDate: false });
    const span = r && r.index === 0 && r.text.length === rest.length ? chronoSpan(r, clock, lead?.[1]?.toLowerCase() ?? 'on') : undefined;
    return span && span.start >= Date.UTC(MIN_YEAR, 0, 1) ? span : undefined;
  } catch {
    return undefined;
  }
}

function validDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return y >= MIN_YEAR && y <= MAX_YEAR && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

/** Milliseconds in wall-clock time back to an instant. */
export const toInstant = (t: number, clock: Clock): number => fromWallClock(t, zoneOf(clock));
