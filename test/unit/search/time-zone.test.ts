/**
 * The query parser in the user's IANA time zone: "yesterday", "last week", "March" and years begin
 * at the user's midnight — including a search made shortly after midnight UTC, when the user's
 * calendar day is another one — and with the offset of their own season (summer time). The
 * canonical query string reads back the same in that zone; the labels show the user's days.
 */
import { describe, expect, it } from 'vitest';
import { formatQuery } from '../../../shared/search/query-format.ts';
import { filterLabels } from '../../../shared/search/filter-labels.ts';
import { parseQuery } from '../../../shared/search/query-parser.ts';
import { canonicalTimeZone, fromWallClock, toWallClock, zoneOffsetMinutes } from '../../../shared/search/time-zone.ts';

const at = (iso: string) => new Date(iso);
const range = (from: string, to: string) => ({ date_from: from, date_to: to });

describe('a search shortly after midnight UTC', () => {
  // 00:30 UTC on Thursday 1 May 2025: still Wednesday 30 April in New York, already 09:30 on the 1st in Tokyo.
  const now = at('2025-05-01T00:30:00Z');

  it('"yesterday" is the day before the user\'s today', () => {
    expect(parseQuery('yesterday', { now }).filters).toEqual(range('2025-04-30T00:00:00.000Z', '2025-04-30T23:59:59.999Z'));
    expect(parseQuery('yesterday', { now, timeZone: 'America/New_York' }).filters)
      .toEqual(range('2025-04-29T04:00:00.000Z', '2025-04-30T03:59:59.999Z')); // Tuesday 29 April, EDT
    expect(parseQuery('yesterday', { now, timeZone: 'Asia/Tokyo' }).filters)
      .toEqual(range('2025-04-29T15:00:00.000Z', '2025-04-30T14:59:59.999Z')); // Wednesday 30 April, JST
  });

  it('"last month" and "this year" follow the user\'s calendar', () => {
    // In New York it is still April: last month is March.
    expect(parseQuery('last month', { now, timeZone: 'America/New_York' }).filters)
      .toEqual(range('2025-03-01T05:00:00.000Z', '2025-04-01T03:59:59.999Z')); // EST until 9 March, EDT after
    expect(parseQuery('last month', { now, timeZone: 'Asia/Tokyo' }).filters)
      .toEqual(range('2025-03-31T15:00:00.000Z', '2025-04-30T14:59:59.999Z')); // April
  });

  it('"last week" is Monday to Sunday of the week before, in the user\'s zone', () => {
    expect(parseQuery('last week', { now, timeZone: 'Europe/Berlin' }).filters)
      .toEqual(range('2025-04-20T22:00:00.000Z', '2025-04-27T21:59:59.999Z'));
  });
});

describe('summer and winter time', () => {
  const now = at('2025-12-04T12:00:00Z'); // winter in Berlin (UTC+1)

  it('a month of summer starts at its own midnight (UTC+2), read in winter', () => {
    expect(parseQuery('July 2023', { now, timeZone: 'Europe/Berlin' }).filters)
      .toEqual(range('2023-06-30T22:00:00.000Z', '2023-07-31T21:59:59.999Z'));
    // A fixed offset cannot know this: it is the offset of today.
    expect(parseQuery('July 2023', { now, utcOffsetMinutes: 60 }).filters)
      .toEqual(range('2023-06-30T23:00:00.000Z', '2023-07-31T22:59:59.999Z'));
  });

  it('"March" spans the change to summer time: starts at UTC+1, ends at UTC+2', () => {
    expect(parseQuery('in March 2025', { now, timeZone: 'Europe/Berlin' }).filters)
      .toEqual(range('2025-02-28T23:00:00.000Z', '2025-03-31T21:59:59.999Z'));
  });

  it('offsets and wall clocks across the changes, a skipped and a repeated hour included', () => {
    expect(zoneOffsetMinutes('Europe/Berlin', Date.parse('2025-01-15T12:00:00Z'))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.parse('2025-07-15T12:00:00Z'))).toBe(120);
    expect(zoneOffsetMinutes('Asia/Kolkata', Date.parse('2025-07-15T12:00:00Z'))).toBe(330);
    expect(zoneOffsetMinutes('America/St_Johns', Date.parse('2025-01-15T12:00:00Z'))).toBe(-210);
    const z = { zone: 'Europe/Berlin' };
    for (const iso of ['2025-03-30T00:59:59Z', '2025-03-30T01:00:00Z', '2025-10-26T01:30:00Z', '2025-10-26T02:00:00Z', '2024-02-29T23:00:00Z']) {
      expect(fromWallClock(toWallClock(Date.parse(iso), z), z), iso).toBe(Date.parse(iso));
    }
    // 02:30 on 30 March 2025 never happened in Berlin: the instant after the gap.
    expect(new Date(fromWallClock(Date.parse('2025-03-30T02:30:00Z'), z)).toISOString()).toBe('2025-03-30T01:30:00.000Z');
    // 02:30 on 26 October 2025 happened twice: the second time (CET), as for the gap.
    expect(new Date(fromWallClock(Date.parse('2025-10-26T02:30:00Z'), z)).toISOString()).toBe('2025-10-26T01:30:00.000Z');
  });
});

describe('zone names', () => {
  it('are the runtime\'s IANA names, in any case; others are unknown', () => {
    expect(canonicalTimeZone('europe/berlin')).toBe('Europe/Berlin');
    expect(canonicalTimeZone('UTC')).toBe('UTC');
    expect(canonicalTimeZone('Mars/Olympus_Mons')).toBeUndefined();
    expect(canonicalTimeZone('')).toBeUndefined();
    expect(canonicalTimeZone('+02:00 or so')).toBeUndefined();
  });

  it('an unknown zone given to the parser falls back to the offset (the API refuses it before)', () => {
    const now = at('2025-05-01T00:30:00Z');
    expect(parseQuery('yesterday', { now, timeZone: 'Nowhere/Special', utcOffsetMinutes: 0 }).filters)
      .toEqual(parseQuery('yesterday', { now }).filters);
  });
});

describe('in the user\'s zone, the query reads back the same and the labels show the user\'s days', () => {
  const now = at('2025-05-01T00:30:00Z');

  it('formatQuery writes whole days of that zone', () => {
    const p = parseQuery('pdf from last March -draft', { now, timeZone: 'America/New_York' });
    const written = formatQuery(p, { timeZone: 'America/New_York' });
    expect(written).toBe('type:pdf from:2025-03-01 to:2025-03-31 -draft');
    expect(parseQuery(written, { now, timeZone: 'America/New_York' }).filters).toEqual(p.filters);
  });

  it('filterLabels: the date range as days in the zone; a format instead of its type', () => {
    const p = parseQuery('pdf from last March', { now, timeZone: 'Asia/Tokyo' });
    expect(filterLabels(p, { timeZone: 'Asia/Tokyo' }).map((l) => l.label)).toEqual(['type pdf', '2025-03-01 → 2025-03-31']);
    // Read in UTC, the same instants are not whole days.
    expect(filterLabels(p).map((l) => l.label)).toEqual(['type pdf', '2025-02-28 15:00 → 2025-03-31 14:59']);
    const words = parseQuery('boats in 2019 taken with the Canon -"old copy" videos', { now });
    expect(filterLabels(words).map((l) => [l.key, l.label])).toEqual([
      ['text', '"boats"'], ['file_types', 'type video'], ['dates', '2019-01-01 → 2019-12-31'], ['camera', 'camera Canon'], ['exclude', 'without "old copy"'],
    ]);
    expect(filterLabels(parseQuery('since 2021', { now })).map((l) => l.label)).toEqual(['since 2021-01-01']);
    expect(filterLabels(parseQuery('before 2020', { now })).map((l) => l.label)).toEqual(['until 2019-12-31']);
  });
});
