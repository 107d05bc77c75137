/**
 * The shared query parser on queries people type, against a fixed clock (Wednesday 20 May 2026,
 * 10:00 UTC): what becomes a filter, what stays words, and the notes; then fast-check: any input
 * parses without throwing into an answer the API schema accepts, within bounds, and the canonical
 * query string reads back as the same filters.
 */
import fc from 'fast-check';
import { Value } from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { InterpretedQuerySchema, QUERY_NOTE_CODES, type QueryFilters } from '../../../shared/api/schemas.ts';
import { FILE_TYPES } from '../../../shared/file-types.ts';
import { formatQuery } from '../../../shared/search/query-format.ts';
import { MAX_EXCLUSIONS, MAX_PARSED_CHARS, MAX_QUERY_WORDS, parseQuery, type ParseOptions } from '../../../shared/search/query-parser.ts';

fc.configureGlobal({ seed: Number(process.env.FUZZ_SEED ?? 20261204) });

const NOW = new Date('2026-05-20T10:00:00.000Z');
const parse = (q: string, opts: Partial<ParseOptions> = {}) => parseQuery(q, { now: NOW, ...opts });

const iso = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d)).toISOString();
const lastMs = (y: number, m: number, d: number) => new Date(Date.UTC(y, m - 1, d) - 1).toISOString();
/** Whole days from the first to the last, inclusive. */
const days = (y1: number, m1: number, d1: number, y2 = y1, m2 = m1, d2 = d1): QueryFilters => ({ date_from: iso(y1, m1, d1), date_to: lastMs(y2, m2, d2 + 1) });
const month = (y: number, m: number): QueryFilters => ({ date_from: iso(y, m, 1), date_to: lastMs(y, m + 1, 1) });
const years = (a: number, b = a): QueryFilters => ({ date_from: iso(a, 1, 1), date_to: lastMs(b + 1, 1, 1) });
const since = (y: number, m = 1, d = 1): QueryFilters => ({ date_from: iso(y, m, d) });
const until = (y: number, m: number, d: number): QueryFilters => ({ date_to: lastMs(y, m, d) });
const TODAY_END = lastMs(2026, 5, 21);

const image: QueryFilters = { file_types: ['image'] };
const video: QueryFilters = { file_types: ['video'] };
const audio: QueryFilters = { file_types: ['audio'] };
const document: QueryFilters = { file_types: ['document'] };
const pdf: QueryFilters = { file_types: ['document'], formats: ['pdf'] };

type Case = [query: string, text: string, filters: QueryFilters];

const DATES: Case[] = [
  ['2019', '', years(2019)],
  ['photos 2019', '', { ...image, ...years(2019) }],
  ['July 2023', '', month(2023, 7)],
  ['last week', '', days(2026, 5, 11, 2026, 5, 17)],
  ['since March', '', since(2026, 3)],
  ['before 2020', '', until(2020, 1, 1)],
  ['pdf from last March', '', { ...pdf, ...month(2026, 3) }],
  ['videos of the dog 2023', 'dog', { ...video, ...years(2023) }],
  ['yesterday', '', days(2026, 5, 19)],
  ['photos from today', '', { ...image, ...days(2026, 5, 20) }],
  ['last month', '', month(2026, 4)],
  ['last year', '', years(2025)],
  ['this year', '', years(2026)],
  ['this week', '', days(2026, 5, 18, 2026, 5, 24)],
  ['this month', '', month(2026, 5)],
  ['3 days ago', '', days(2026, 5, 17)],
  ['two weeks ago', '', days(2026, 5, 4, 2026, 5, 10)],
  ['a year ago', '', years(2025)],
  ['notes in the last 2 weeks', 'notes', { date_from: iso(2026, 5, 6), date_to: TODAY_END }],
  ['past 3 months', '', { date_from: iso(2026, 2, 20), date_to: TODAY_END }],
  ['the past week', '', { date_from: iso(2026, 5, 13), date_to: TODAY_END }],
  ['last weekend', '', days(2026, 5, 16, 2026, 5, 17)],
  ['last friday', '', days(2026, 5, 15)],
  ['between 2019 and 2021', '', years(2019, 2021)],
  ['from 2019 to 2021', '', years(2019, 2021)],
  ['2019-2021', '', years(2019, 2021)],
  ['2019 to 2021 taxes', 'taxes', years(2019, 2021)],
  ['from March to May 2022', '', { date_from: iso(2022, 3, 1), date_to: lastMs(2022, 6, 1) }],
  ['between March 2019 and May 2019', '', { date_from: iso(2019, 3, 1), date_to: lastMs(2019, 6, 1) }],
  ['after June 2021', '', since(2021, 7)],
  ['until May 2020', '', until(2020, 6, 1)],
  ['since 2019', '', since(2019)],
  ['after 2019', '', since(2020)],
  ['in the 1990s', '', years(1990, 1999)],
  ['dec 25th 2019', '', days(2019, 12, 25)],
  ['2019-05-04', '', days(2019, 5, 4)],
  ['christmas 2020', 'christmas', years(2020)],
  ['summer 2021 beach', 'summer beach', years(2021)],
  ['March 3rd', '', days(2026, 3, 3)],
  // July 2026 is yet to come: the most recent July 4th was last year's.
  ['July 4 fireworks', 'fireworks', days(2025, 7, 4)],
  ['since July', '', since(2025, 7)],
  ['receipts in march', 'receipts', month(2026, 3)],
  ['photos 2019 2020', '', { ...image, ...years(2019, 2020) }],
  ['photos from 2019 since March 2019', '', { ...image, date_from: iso(2019, 3, 1), date_to: lastMs(2020, 1, 1) }],
  ['invoice 2019 -draft', 'invoice', { ...years(2019), exclude: ['draft'] }],
  ['tax documents 2023', 'tax', { ...document, ...years(2023) }],
  ['photos earlier this year', '', { ...image, ...years(2026) }],
];

const STAYS_TEXT: Case[] = [
  ['May', 'May', {}],
  ['May flowers', 'May flowers', {}],
  ['march madness', 'march madness', {}],
  ['sunday brunch', 'sunday brunch', {}],
  ['recipe 3/4 cup', 'recipe 3/4 cup', {}],
  ['the 45th of Smarch', 'the 45th of Smarch', {}],
  ['next week', 'next week', {}],
  ['tomorrow', 'tomorrow', {}],
  ['2030 plans', '2030 plans', {}],
  ['meeting at 10:30', 'meeting at 10:30', {}],
  ['sunset over a lake', 'sunset over a lake', {}],
  ['dog in the park', 'dog in the park', {}],
  ['photo album', 'photo album', {}],
  ['e-mail from Bob', 'e-mail from Bob', {}],
  ['IMG_2019 copy', 'IMG_2019 copy', {}],
  ['taken with', 'taken with', {}],
  ['Hasselblad X2D', 'Hasselblad X2D', {}],
  ['weekly chores', 'weekly chores', {}],
  ['how to make a casserole', 'how to make a casserole', {}],
  ['Smarch 45', 'Smarch 45', {}],
  ['東京の写真', '東京の写真', {}],
  ['  lots   of   space  ', 'lots of space', {}],
];

const KINDS: Case[] = [
  ['photos', '', image],
  ['videos', '', video],
  ['pdf', '', pdf],
  ['pdfs about taxes', 'taxes', pdf],
  ['voice memos', '', audio],
  ['voice memo about groceries', 'groceries', audio],
  ['mp3', '', { file_types: ['audio'], formats: ['mp3'] }],
  ['music festival photos', 'music festival', image],
  ['video game screenshots', 'video game screenshot', image],
  ['a video of the dog', 'dog', video],
  ['jpg and png', '', { file_types: ['image'], formats: ['jpeg', 'png'] }],
  ['word documents', '', document],
  ['docx contract', 'contract', { file_types: ['document'], formats: ['docx'] }],
  ['selfies at the beach', 'selfie at the beach', image],
  ['songs by the Beatles', 'Beatles', audio],
  ['podcasts about space', 'podcast about space', audio],
  ['documents', '', document],
  ['screen recordings', 'screen recording', video],
  ['movies from 2010', '', { ...video, ...years(2010) }],
  ['audio', '', audio],
  ['music', 'music', audio],
  ['instrumental music from 2019', 'instrumental music', { ...audio, ...years(2019) }],
  ['image of a cat', 'cat', image],
  ['mkv files', '', { file_types: ['video'], formats: ['mkv'] }],
  ['.pdf invoices', 'invoices', pdf],
  ['wedding photos', 'wedding', image],
  ['pictures of my kids at the beach', 'kids at the beach', image],
  ['🐶 photos', '🐶', image],
];

const CAMERAS_AND_PLACES: Case[] = [
  ['photos taken with the Canon', '', { ...image, camera: 'Canon' }],
  ['shot on iPhone 12', '', { camera: 'iPhone 12' }],
  ['taken with my Nikon D750 in 2019', '', { ...years(2019), camera: 'Nikon D750' }],
  ['pictures shot with the Sony A7 III at the beach', 'beach', { ...image, camera: 'Sony A7 III' }],
  ['camera:"Canon EOS R5"', '', { camera: 'Canon EOS R5' }],
  ['filmed on a GoPro', '', { camera: 'GoPro' }],
  ['shot on Pixel 7 last week', '', { ...days(2026, 5, 11, 2026, 5, 17), camera: 'Pixel 7' }],
  ['sunsets photographed with the Fujifilm X100V', 'sunsets', { camera: 'Fujifilm X100V' }],
  ['in Holidays', '', { folder: 'Holidays' }],
  ['beach photos in Summer Trip', 'beach', { ...image, folder: 'Summer Trip' }],
  ['folder:Receipts', '', { folder: 'Receipts' }],
  ['collection:"Best of 2019"', '', { collection: 'Best of 2019' }],
  ['album:Wedding photos', '', { ...image, collection: 'Wedding' }],
];

const QUOTES_AND_OPERATORS: Case[] = [
  ['"spice cooperative"', '"spice cooperative"', {}],
  ['"photos from 2019"', '"photos from 2019"', {}],
  ['invoice -draft', 'invoice', { exclude: ['draft'] }],
  ['report -"first draft" -old', 'report', { exclude: ['first draft', 'old'] }],
  ['type:pdf "annual report" 2020', '"annual report"', { ...pdf, ...years(2020) }],
  ['“smart quotes” photos', '"smart quotes"', image],
  ['after:2019-03-01', '', since(2019, 3, 2)],
  ['before:2020', '', until(2020, 1, 1)],
  ['on:2019-05', '', month(2019, 5)],
  ['from:"last March"', '', since(2026, 3)],
  ['to:2019-03-31 bills', 'bills', until(2019, 4, 1)],
  ['type:video', '', video],
  ['type:spreadsheet budget', 'type:spreadsheet budget', {}],
  ['is:photo cats', 'cats', image],
  ['date:yesterday', '', days(2026, 5, 19)],
  ['from:2019-03-01T10:00:00.000Z', '', { date_from: '2019-03-01T10:00:00.000Z' }],
  ['- lonely dash', '- lonely dash', {}],
  ['-2019 budget', 'budget', { exclude: ['2019'] }],
];

const BAD_INPUT: Case[] = [
  ['', '', {}],
  ['   ', '', {}],
  ['фото 2019', 'фото', years(2019)],
  ['صور 2019', 'صور', years(2019)],
  ['😀😀😀', '😀😀😀', {}],
  ['%%% ??? !!!', '%%% ??? !!!', {}],
  ['<script>alert(1)</script>', '<script>alert(1)</script>', {}],
  ["Robert'); DROP TABLE uploads;--", "Robert'); DROP TABLE uploads;--", {}],
];

describe('parseQuery on real-sounding queries (clock: Wed 20 May 2026, 10:00 UTC)', () => {
  const all = [...DATES, ...STAYS_TEXT, ...KINDS, ...CAMERAS_AND_PLACES, ...QUOTES_AND_OPERATORS, ...BAD_INPUT];

  it('has at least 100 of them', () => {
    expect(all.length).toBeGreaterThanOrEqual(100);
  });

  for (const [group, cases] of Object.entries({ DATES, STAYS_TEXT, KINDS, CAMERAS_AND_PLACES, QUOTES_AND_OPERATORS, BAD_INPUT })) {
    describe(group, () => {
      it.each(cases)('%j', (query, text, filters) => {
        const got = parse(query);
        expect({ text: got.text, filters: got.filters }).toEqual({ text, filters });
        expect(Value.Check(InterpretedQuerySchema, got)).toBe(true);
      });
    });
  }
});

describe('notes and the rules for contradictions', () => {
  const codes = (q: string, opts?: Partial<ParseOptions>) => parse(q, opts).notes.map((n) => n.code);

  it('drops contradicting dates, keeps their words and says so', () => {
    const got = parse('since 2021 before 2019');
    expect(got).toMatchObject({ text: 'since 2021 before 2019', filters: {} });
    expect(got.notes.map((n) => n.code)).toEqual(['DATES_CONTRADICT']);
    expect(parse('photos since 2022 before 2021')).toMatchObject({ text: 'since 2022 before 2021', filters: image });
  });

  it('widens to every kind named, with a note, when the kinds differ', () => {
    const got = parse('photos pdf');
    expect(got.filters).toEqual({ file_types: ['image', 'document'], formats: ['pdf'] });
    expect(got.notes).toEqual([{ code: 'TYPES_COMBINED', message: 'Files of any of these kinds: photos, PDF.' }]);
    expect(parse('photos pdf videos mp3').filters).toEqual({ file_types: ['image', 'video', 'audio', 'document'], formats: ['pdf', 'mp3'] });
    expect(codes('jpg png')).toEqual([]);
  });

  it('notes a query of common words only, and answers it as text', () => {
    expect(parse('the of and')).toMatchObject({ text: 'the of and', filters: {} });
    expect(codes('the of and')).toEqual(['ONLY_COMMON_WORDS']);
    expect(codes('photos of the')).toEqual([]);
    expect(parse('photos of the').text).toBe('');
  });

  it('clips a very long query and a pasted paragraph, saying so', () => {
    const long = parse(`invoice ${'x'.repeat(2000)}`);
    expect(long.text.length).toBeLessThanOrEqual(MAX_PARSED_CHARS);
    expect(long.notes.map((n) => n.code)).toContain('QUERY_CLIPPED');
    const wordy = parse(Array.from({ length: 100 }, (_, i) => `word${i}`).join(' '));
    expect(wordy.text.split(' ')).toHaveLength(MAX_QUERY_WORDS);
    expect(wordy.notes).toEqual([{ code: 'QUERY_CLIPPED', message: `Only the first ${MAX_QUERY_WORDS} words were searched for.` }]);
    const surrogates = parse('🦄'.repeat(700));
    expect(surrogates.text.length).toBeLessThanOrEqual(MAX_PARSED_CHARS);
    expect(surrogates.text).not.toMatch(/[\uD800-\uDBFF]$/);
  });

  it('applies at most MAX_EXCLUSIONS exclusions, once each', () => {
    const got = parse(['cats', ...Array.from({ length: 30 }, (_, i) => `-w${i}`), '-W0'].join(' '));
    expect(got.filters.exclude).toHaveLength(MAX_EXCLUSIONS);
    expect(got.notes.map((n) => n.code)).toEqual(['TOO_MANY_EXCLUSIONS']);
    expect(parse('cats -dog -Dog').filters.exclude).toEqual(['dog']);
  });

  it('lists quoted phrases; nothing inside quotes is read', () => {
    expect(parse('"taken with the Canon" 2019 "July 2023"')).toMatchObject({
      text: '"taken with the Canon" "July 2023"', phrases: ['taken with the Canon', 'July 2023'], filters: years(2019),
    });
    expect(parse('"unclosed phrase').phrases).toEqual(['unclosed phrase']);
  });
});

describe('folders and collections', () => {
  const places = { folders: ['Receipts', 'Summer Trip 2019'], collections: ['Best of', 'Kids'] };

  it('with the user\'s own names, "in X" is one of them only when X is one', () => {
    expect(parse('invoices in receipts', { places })).toMatchObject({ text: 'invoices', filters: { folder: 'Receipts' } });
    expect(parse('photos in summer trip 2019', { places })).toMatchObject({ text: '', filters: { ...image, folder: 'Summer Trip 2019' } });
    expect(parse('drawings in the Kids', { places })).toMatchObject({ text: 'drawings', filters: { collection: 'Kids' } });
    expect(parse('photos in Paris', { places })).toMatchObject({ text: 'Paris', filters: image });
  });

  it('where folders do not exist yet, "in X" stays words and a note says so', () => {
    const got = parse('holiday in Portugal', { places: 'unavailable' });
    expect(got).toMatchObject({ text: 'holiday in Portugal', filters: {} });
    expect(got.notes).toEqual([{ code: 'FILTER_NOT_AVAILABLE', message: 'Folders and collections are not searchable yet: "Portugal" was matched as words.' }]);
  });
});

describe('the clock and the time zone', () => {
  it('reads relative dates against the injected clock', () => {
    expect(parseQuery('yesterday', { now: new Date('2020-03-01T12:00:00Z') }).filters).toEqual(days(2020, 2, 29));
    expect(parseQuery('last month', { now: new Date('2026-01-15T00:00:00Z') }).filters).toEqual(month(2025, 12));
    // In February, "since March" means last March.
    expect(parseQuery('since March', { now: new Date('2026-02-10T10:00:00Z') }).filters).toEqual(since(2025, 3));
  });

  it('starts days at the user\'s midnight', () => {
    expect(parse('yesterday', { utcOffsetMinutes: 120 }).filters).toEqual({ date_from: '2026-05-18T22:00:00.000Z', date_to: '2026-05-19T21:59:59.999Z' });
    expect(parse('2019', { utcOffsetMinutes: -300 }).filters).toEqual({ date_from: '2019-01-01T05:00:00.000Z', date_to: '2020-01-01T04:59:59.999Z' });
  });

  it('survives a clock that is not a date', () => {
    expect(() => parseQuery('last week', { now: new Date(NaN) })).not.toThrow();
  });
});

describe('formatQuery', () => {
  it('writes the interpretation as a query that reads back the same', () => {
    const p = parse('pdf invoices from last March taken with the Canon EOS R5 -draft -"old copy"');
    expect(formatQuery(p)).toBe('invoices type:pdf from:2026-03-01 to:2026-03-31 camera:"Canon EOS R5" -draft -"old copy"');
    expect(parse(formatQuery(p))).toMatchObject({ text: p.text, filters: p.filters });
  });

  it('removing a filter is removing its words', () => {
    const p = parse('photos of the dog 2023');
    const { date_from: _f, date_to: _t, ...withoutDate } = p.filters;
    expect(parse(formatQuery({ text: p.text, filters: withoutDate })).filters).toEqual(image);
  });
});

// Property-based: any input, including the words the parser looks for, in any order.
const VOCABULARY = [
  'photos', 'video', 'pdf', 'mp3', 'voice', 'memos', 'since', 'before', 'after', 'until', 'between', 'and', 'to', 'from', 'in', 'last',
  'this', 'week', 'month', 'year', 'ago', 'March', 'May', 'july', '2019', '2020', '1990s', '2019-2021', 'yesterday', 'taken', 'with',
  'the', 'Canon', 'shot', 'on', 'iPhone', '12', 'Holidays', '-draft', '"', '-"', 'type:pdf', 'camera:', 'folder:', 'after:2019',
  'on:', 'of', 'dog', 'beach', '東京', '😀', '\u0000', '\uD800', '-', ':', '3/4', 'the 45th of Smarch', 'next', 'tomorrow',
];
const query = fc.oneof(
  fc.array(fc.constantFrom(...VOCABULARY), { maxLength: 30 }).map((w) => w.join(' ')),
  fc.string({ unit: 'grapheme', maxLength: 200 }),
  fc.string({ unit: 'binary', maxLength: 300 }),
  fc.array(fc.oneof(fc.constantFrom(...VOCABULARY), fc.string({ maxLength: 8 })), { maxLength: 80 }).map((w) => w.join(' ')),
);
const clock = fc.date({ min: new Date('1995-01-01T00:00:00Z'), max: new Date('2090-12-31T00:00:00Z'), noInvalidDate: true });
const offset = fc.integer({ min: -14 * 60, max: 14 * 60 });

describe('fuzzed with fast-check', () => {
  it('never throws, and answers what the API schema accepts, within bounds', () => {
    fc.assert(fc.property(query, clock, offset, (q, now, utcOffsetMinutes) => {
      const got = parseQuery(q, { now, utcOffsetMinutes });
      expect(Value.Check(InterpretedQuerySchema, got)).toBe(true);
      expect(got.text.length).toBeLessThanOrEqual(MAX_PARSED_CHARS);
      expect(got.text).toBe(got.text.trim());
      const f = got.filters;
      for (const t of f.file_types ?? []) expect(FILE_TYPES).toContain(t);
      expect(new Set(f.file_types).size).toBe(f.file_types?.length ?? 0);
      for (const d of [f.date_from, f.date_to]) if (d !== undefined) expect(new Date(d).toISOString()).toBe(d);
      if (f.date_from && f.date_to) expect(Date.parse(f.date_from)).toBeLessThanOrEqual(Date.parse(f.date_to));
      // Content cannot be made in the future: words never make a date filter start after now (operators are taken as written).
      if (f.date_from && !q.includes(':')) expect(Date.parse(f.date_from)).toBeLessThanOrEqual(now.getTime() + 14 * 3_600_000);
      expect((f.exclude ?? []).length).toBeLessThanOrEqual(MAX_EXCLUSIONS);
      for (const s of [f.camera, f.folder, f.collection, ...(f.exclude ?? [])]) if (s !== undefined) expect(s.length).toBeGreaterThan(0);
      expect((f.camera ?? '').length).toBeLessThanOrEqual(100);
      for (const n of got.notes) expect(QUERY_NOTE_CODES).toContain(n.code);
    }), { numRuns: 1500 });
  });

  it('reads its own canonical form back as the same filters', () => {
    fc.assert(fc.property(query, clock, offset, (q, now, utcOffsetMinutes) => {
      const first = parseQuery(q, { now, utcOffsetMinutes });
      // Dates that contradict each other are dropped: which ones clash can depend on the order they were read in.
      if (first.notes.some((n) => n.code === 'DATES_CONTRADICT')) return;
      const again = parseQuery(formatQuery(first, { utcOffsetMinutes }), { now, utcOffsetMinutes });
      expect(again.filters).toEqual(first.filters);
    }), { numRuns: 1000 });
  });
});
