/**
 * POST /search reading the query the way people ask, over real HTTP with real files: photos with
 * real EXIF (cameras, capture dates), PDFs with creation dates, plain notes. What the words were
 * taken to mean (`interpreted`), the filters applied on when the content was made, facets over
 * the whole ranked list, why each result matched (ranker, «marked» snippet, matched tags), paging
 * to the end with `offset`, every sort, and bad input that never costs a 500. Runs in both modes
 * (vitest.config.ts CLOUD_API_SUITES).
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InterpretedQuerySchema, SNIPPET_MARKS, type SearchResponse, type SearchResult } from '../../shared/api/schemas.ts';
import { Value } from 'typebox/value';
import { acceptProcessed, metadata, postJson } from '../helpers/http.ts';
import { pdfWithText } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

let s: TestServer;
const ids: Record<string, string> = {};

/** A photo with real EXIF: camera make and model, and when it was taken (camera wall clock). */
function photo(make: string, model: string, taken: string, background: string): Promise<Buffer> {
  return sharp({ create: { width: 240, height: 180, channels: 3, background } })
    .jpeg({ quality: 80 })
    .withExif({ IFD0: { Make: make, Model: model, DateTime: taken }, IFD2: { DateTimeOriginal: taken } })
    .toBuffer();
}

/** A PDF of known text whose CreationDate says when it was made. */
async function pdf(lines: string[], title: string, created: Date): Promise<Buffer> {
  const doc = await PDFDocument.load(await pdfWithText(lines, title));
  doc.setCreationDate(created);
  return Buffer.from(await doc.save());
}

async function search(body: Record<string, unknown>): Promise<SearchResponse & Required<Pick<SearchResponse, 'interpreted' | 'facets' | 'total' | 'has_more' | 'next_offset'>>> {
  const res = await postJson<SearchResponse>(s, '/api/v1/search', body);
  expect(res.status, `${JSON.stringify(body)}: ${JSON.stringify(res.body.error)}`).toBe(200);
  const data = res.body.data;
  expect(Value.Check(InterpretedQuerySchema, data.interpreted)).toBe(true);
  return data as never;
}

const names = (results: SearchResult[]) => results.map((r) => r.filename);

beforeAll(async () => {
  s = await startTestServer();
  const files: [string, Buffer][] = [
    ['canon-2019.jpg', await photo('Canon', 'Canon EOS R5', '2019:07:14 12:00:00', '#c0392b')],
    ['canon-2023.jpg', await photo('Canon', 'Canon EOS R5', '2023:03:10 09:30:00', '#27ae60')],
    ['nikon-2019.jpg', await photo('NIKON CORPORATION', 'NIKON D750', '2019:12:24 18:00:00', '#2980b9')],
    ['iphone-2023.jpg', await photo('Apple', 'iPhone 12', '2023:07:04 21:15:00', '#8e44ad')],
    ['invoice-4471.pdf', await pdf(['Invoice 4471 from Northwind Plumbing', 'Repair of the bathroom sink and a leaking pipe.'], 'Invoice 4471', new Date('2023-03-15T10:00:00Z'))],
    ['invoice-4472-draft.pdf', await pdf(['DRAFT invoice 4472 from Northwind Plumbing', 'Not sent yet: replacing the kitchen tap.'], 'Invoice 4472 draft', new Date('2023-03-20T10:00:00Z'))],
    ['rowing-report.pdf', await pdf(['Annual report of the rowing club', 'Regatta results, new boats and the finances.'], 'Rowing club report', new Date('2019-05-04T08:00:00Z'))],
    ['shopping.txt', Buffer.from('Shopping list: quinceberry jam, flour, eggs and a birthday candle.\n')],
    ['toner.txt', Buffer.from('Meeting notes: order toner for the Canon printer in the office before Friday.\n')],
    ['diary.txt', Buffer.from(`${'We walked along the harbour and talked about the weather, the boats and the long winter. '.repeat(40)}At the end of the day we found a small green zanzibarite pebble on the beach.\n`)],
  ];
  Object.assign(ids, await acceptProcessed(s, files));
}, 180_000);

afterAll(async () => {
  await s?.close();
});

describe('when the content was made', () => {
  it('is the EXIF date of a photo, the creation date of a PDF, else when the file was added', async () => {
    const all = await search({ query: 'photos pdf', limit: 100 });
    const date = (name: string) => all.results.find((r) => r.filename === name)?.content_date;
    expect(date('canon-2019.jpg')).toBe('2019-07-14T12:00:00.000Z');
    expect(date('nikon-2019.jpg')).toBe('2019-12-24T18:00:00.000Z');
    expect(date('invoice-4471.pdf')).toBe('2023-03-15T10:00:00.000Z');
    expect(date('rowing-report.pdf')).toBe('2019-05-04T08:00:00.000Z');
    const note = (await search({ query: 'quinceberry' })).results.find((r) => r.filename === 'shopping.txt')!;
    expect(note.content_date).toBe((await metadata(s, ids['shopping.txt']!)).created_at);
  });
});

describe('interpreted filters, applied', () => {
  it('"photos taken with the Canon": pictures by that camera only, newest first, counted', async () => {
    const data = await search({ query: 'photos taken with the Canon' });
    expect(data.interpreted).toEqual({ text: '', filters: { file_types: ['image'], camera: 'Canon' }, phrases: [], notes: [] });
    expect(names(data.results)).toEqual(['canon-2023.jpg', 'canon-2019.jpg']);
    expect(data.results.every((r) => r.reason?.by === 'filters')).toBe(true);
    expect(data.facets).toEqual({
      file_type: { image: 2 }, year: { 2019: 1, 2023: 1 }, month: { '2019-07': 1, '2023-03': 1 }, camera: { 'Canon EOS R5': 2 },
      // No folders or collections in this suite (test/api/collections.test.ts counts them).
      folder: {}, collection: {},
    });
    expect(data).toMatchObject({ total: 2, has_more: false, next_offset: null });
    // Without "photos" the camera still only matches what a camera made, not a note that names it.
    expect(names((await search({ query: 'taken with the canon' })).results).sort()).toEqual(['canon-2019.jpg', 'canon-2023.jpg']);
  });

  it('"photos 2019": the year the picture was taken, whatever day it was added', async () => {
    const data = await search({ query: 'photos 2019' });
    expect(data.interpreted.filters).toEqual({ file_types: ['image'], date_from: '2019-01-01T00:00:00.000Z', date_to: '2019-12-31T23:59:59.999Z' });
    expect(names(data.results)).toEqual(['nikon-2019.jpg', 'canon-2019.jpg']);
    expect(data.facets.camera).toEqual({ 'Canon EOS R5': 1, 'NIKON D750': 1 });
    expect(data.facets.month).toEqual({ '2019-07': 1, '2019-12': 1 });
  });

  it('"pdf from March 2023 -draft": format, month and exclusion together', async () => {
    const both = await search({ query: 'pdf from March 2023' });
    expect(both.interpreted.filters).toEqual({
      file_types: ['document'], formats: ['pdf'], date_from: '2023-03-01T00:00:00.000Z', date_to: '2023-03-31T23:59:59.999Z',
    });
    expect(names(both.results)).toEqual(['invoice-4472-draft.pdf', 'invoice-4471.pdf']);
    const final = await search({ query: 'pdf from March 2023 -draft' });
    expect(final.interpreted.filters.exclude).toEqual(['draft']);
    expect(names(final.results)).toEqual(['invoice-4471.pdf']);
    expect(final.facets).toMatchObject({ file_type: { document: 1 }, month: { '2023-03': 1 }, camera: {} });
  });

  it('an exclusion leaves files out of the meaning ranker too, not only the word ranker', async () => {
    const withDraft = await search({ query: 'plumbing repair invoice', limit: 100, min_score: 0 });
    expect(names(withDraft.results)).toContain('invoice-4472-draft.pdf');
    const without = await search({ query: 'plumbing repair invoice -draft', limit: 100, min_score: 0 });
    expect(without.interpreted).toMatchObject({ text: 'plumbing repair invoice', filters: { exclude: ['draft'] } });
    expect(names(without.results)).not.toContain('invoice-4472-draft.pdf');
    expect(without.total).toBe(withDraft.total - 1);
  });

  it('words with a filter rank within it: "invoice Northwind 2023 documents"', async () => {
    const data = await search({ query: 'invoice Northwind 2023 documents' });
    expect(data.interpreted).toMatchObject({ text: 'invoice Northwind', filters: { file_types: ['document'], date_from: '2023-01-01T00:00:00.000Z' } });
    expect(names(data.results).slice(0, 2).sort()).toEqual(['invoice-4471.pdf', 'invoice-4472-draft.pdf']);
    expect(data.results.every((r) => r.file_type === 'document' && r.content_date!.startsWith('2023'))).toBe(true);
  });

  it('a query of filters that match nothing answers an empty page with empty counts', async () => {
    const data = await search({ query: 'videos 2019' });
    expect(data).toMatchObject({ results: [], total: 0, has_more: false, next_offset: null, facets: { file_type: {}, year: {}, month: {}, camera: {} } });
  });

  it('request fields win over the words for the same filter, with a note', async () => {
    const data = await search({ query: 'pdf Northwind', file_types: ['image'] });
    expect(data.interpreted.filters).toEqual({ file_types: ['image'] });
    expect(data.interpreted.notes.map((n) => n.code)).toEqual(['FILTER_OVERRIDDEN']);
    expect(data.results.every((r) => r.file_type === 'image')).toBe(true);
    const dated = await search({ query: 'photos 2019', date_from: '2023-01-01T00:00:00Z' });
    expect(dated.interpreted.filters).toEqual({ file_types: ['image'], date_from: '2023-01-01T00:00:00.000Z' });
    expect(names(dated.results)).toEqual(['iphone-2023.jpg', 'canon-2023.jpg']);
  });

  it('interpret: false matches every word as typed', async () => {
    const data = await search({ query: 'photos 2019', interpret: false });
    expect(data.interpreted).toEqual({ text: 'photos 2019', filters: {}, phrases: [], notes: [] });
    expect(data.results.some((r) => r.file_type !== 'image')).toBe(true);
  });

  it('a folder the user does not have: "in:Holidays" is matched as words and the answer says so; "in Rowing Club" stays words', async () => {
    const data = await search({ query: 'receipts in:Holidays' });
    expect(data.interpreted).toMatchObject({ text: 'receipts Holidays', filters: {} });
    expect(data.interpreted.notes).toEqual([{ code: 'FILTER_NOT_AVAILABLE', message: expect.stringContaining('"Holidays"') }]);
    // Without a folder or collection of that name, "in …" is read as the words it is (test/api/collections.test.ts: with one).
    const natural = await search({ query: 'regatta in Rowing Club' });
    expect(natural.interpreted).toMatchObject({ text: 'regatta in Rowing Club', filters: {} });
    expect(natural.interpreted.notes).toEqual([]);
    expect(natural.results[0]!.filename).toBe('rowing-report.pdf');
  });
});

describe('why each result matched', () => {
  const MARKED = new RegExp(`${SNIPPET_MARKS.start}([^${SNIPPET_MARKS.start}${SNIPPET_MARKS.end}]+)${SNIPPET_MARKS.end}`, 'g');

  it('a word match carries a snippet of the text around the words, each marked', async () => {
    const data = await search({ query: 'Northwind' });
    const top = data.results.slice(0, 2);
    expect(names(top).sort()).toEqual(['invoice-4471.pdf', 'invoice-4472-draft.pdf']);
    for (const r of top) {
      expect(['text', 'both']).toContain(r.reason!.by);
      expect(['summary', 'text']).toContain(r.reason!.field);
      const marked = [...r.reason!.snippet!.matchAll(MARKED)].map((m) => m[1]!.toLowerCase());
      expect(marked).toContain('northwind');
      expect(r.reason!.snippet).not.toMatch(/<[a-z]/i);
    }
  });

  it('the snippet comes from the summary when it has the words, else from the document text', async () => {
    const short = (await search({ query: 'quinceberry' })).results.find((r) => r.filename === 'shopping.txt')!;
    expect(short.reason).toMatchObject({ field: 'summary', snippet: expect.stringContaining(`${SNIPPET_MARKS.start}quinceberry${SNIPPET_MARKS.end}`) });
    // The summary quotes only the diary's beginning; the word is near its end.
    const deep = (await search({ query: 'zanzibarite' })).results[0]!;
    expect(deep.filename).toBe('diary.txt');
    expect(deep.summary).not.toContain('zanzibarite');
    expect(deep.reason).toMatchObject({ by: expect.stringMatching(/^(text|both)$/), field: 'text' });
    expect(deep.reason!.snippet).toContain(`${SNIPPET_MARKS.start}zanzibarite${SNIPPET_MARKS.end}`);
    expect(deep.reason!.snippet!.length).toBeLessThan(400);
  });

  it('files found only by meaning say so, with no snippet', async () => {
    // No file contains these words; every result is there by meaning alone.
    const data = await search({ query: 'bill from the handyman', limit: 100, min_score: 0 });
    expect(data.results.length).toBeGreaterThan(0);
    for (const r of data.results) expect(r.reason).toEqual({ by: 'meaning' });
  });

  it('lists the tags and detected objects that match the words', async () => {
    const data = await search({ query: 'Canon', limit: 100 });
    const photoHit = data.results.find((r) => r.filename === 'canon-2019.jpg')!;
    expect(photoHit.reason!.by).not.toBe('meaning');
    expect(photoHit.reason!.matched).toEqual(expect.arrayContaining([expect.stringMatching(/^canon eos r5$/i)]));
    const noteHit = data.results.find((r) => r.filename === 'toner.txt')!;
    expect(noteHit.reason).toMatchObject({ field: expect.stringMatching(/summary|text/), snippet: expect.stringContaining(`${SNIPPET_MARKS.start}Canon${SNIPPET_MARKS.end}`) });
    const withTags = data.results.filter((r) => r.reason?.matched);
    expect(withTags.length).toBeGreaterThan(0);
    for (const r of withTags) for (const tag of r.reason!.matched!) expect(tag.toLowerCase()).toContain('canon');
  });
});

describe('paging and sorting', () => {
  it('pages a query of filters to the end: every file once, the same counts on every page', async () => {
    const seen: string[] = [];
    let offset: number | null = 0;
    const totals = new Set<number>();
    const facets = new Set<string>();
    while (offset !== null) {
      const page = await search({ query: 'photos', limit: 3, offset });
      seen.push(...names(page.results));
      totals.add(page.total);
      facets.add(JSON.stringify(page.facets));
      expect(page.has_more).toBe(page.next_offset !== null);
      offset = page.next_offset;
    }
    expect(seen).toEqual(['iphone-2023.jpg', 'canon-2023.jpg', 'nikon-2019.jpg', 'canon-2019.jpg']);
    expect([...totals]).toEqual([4]);
    expect(facets.size).toBe(1);
  });

  it('pages a ranked list to its end in the same order as one long page', async () => {
    const whole = await search({ query: 'notes report invoice list', limit: 100, min_score: 0 });
    expect(whole.total).toBe(whole.results.length);
    const paged: string[] = [];
    let offset: number | null = 0;
    while (offset !== null) {
      const page = await search({ query: 'notes report invoice list', limit: 2, offset, min_score: 0 });
      expect(page.total).toBe(whole.total);
      paged.push(...page.results.map((r) => r.upload_id));
      offset = page.next_offset;
    }
    expect(paged).toEqual(whole.results.map((r) => r.upload_id));
    const beyond = await search({ query: 'notes report invoice list', offset: 500, min_score: 0 });
    expect(beyond).toMatchObject({ results: [], total: whole.total, has_more: false, next_offset: null });
  });

  it('sorts the same matches newest, oldest, by name and by size; date is newest', async () => {
    const q = { query: 'photos pdf', limit: 100 };
    const newest = await search({ ...q, sort: 'newest' });
    const dates = newest.results.map((r) => Date.parse(r.content_date!));
    expect(dates).toEqual([...dates].sort((a, b) => b - a));
    expect(names((await search({ ...q, sort: 'date' })).results)).toEqual(names(newest.results));
    expect(names((await search({ ...q, sort: 'oldest' })).results)).toEqual(names(newest.results).reverse());
    const byName = names((await search({ ...q, sort: 'name' })).results);
    expect(byName).toEqual([...byName].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())));
    const bySize = (await search({ ...q, sort: 'size' })).results.map((r) => r.file_size!);
    expect(bySize).toEqual([...bySize].sort((a, b) => b - a));
    const ranked = { query: 'Northwind invoice', limit: 100, min_score: 0 };
    const relevance = await search(ranked);
    for (const sort of ['oldest', 'name', 'size'] as const) {
      const other = await search({ ...ranked, sort });
      expect(new Set(other.results.map((r) => r.upload_id)), sort).toEqual(new Set(relevance.results.map((r) => r.upload_id)));
      expect(other.facets, sort).toEqual(relevance.facets);
    }
  });

  it('answers a repeated search the same way, cached or not', async () => {
    const body = { query: 'photos 2019', limit: 1, offset: 1 };
    const first = await search(body);
    const again = await search(body);
    const strip = ({ search_id: _i, processing_time_ms: _t, results, ...rest }: SearchResponse) => ({ ...rest, results: results.map(({ thumbnail_url: _u, ...r }) => r) });
    expect(strip(again)).toEqual(strip(first));
    expect(names(first.results)).toEqual(['canon-2019.jpg']);
  });
});

describe('bad input never costs a 500', () => {
  const queries = [
    'the 45th of Smarch', 'photos pdf', 'the of and', '""', '-', 'type:', 'camera:""', 'since 2021 before 2019', 'May',
    '東京の写真 2019', 'فواتير 2023', 'фото с Canon', '🦄🦄🦄', 'x'.repeat(1000), Array.from({ length: 300 }, () => 'a').join(' '),
    '-draft', 'in:', '"unclosed', 'after:not-a-date', 'from:2019-13-45', '%', '_', '\\', "O'Brien", 'NOT AND OR', '(photos OR pdf)',
  ];
  it.each(queries)('%j', async (query) => {
    const data = await search({ query: query.length > 1000 ? query.slice(0, 1000) : query });
    expect(data.facets).toBeDefined();
    expect(data.total).toBeGreaterThanOrEqual(data.results.length);
  });

  it('says what it did with a contradiction, a clipped query and common words', async () => {
    expect((await search({ query: 'photos since 2021 before 2019' })).interpreted.notes.map((n) => n.code)).toEqual(['DATES_CONTRADICT']);
    expect((await search({ query: Array.from({ length: 100 }, (_, i) => `w${i}`).join(' ') })).interpreted.notes.map((n) => n.code)).toEqual(['QUERY_CLIPPED']);
    expect((await search({ query: 'the of and' })).interpreted.notes.map((n) => n.code)).toEqual(['ONLY_COMMON_WORDS']);
  });

  it('reads dates in the time zone sent, and refuses an unknown zone with INVALID_TIME_ZONE', async () => {
    // The Nikon's 18:00 on Christmas Eve 2019 (camera wall clock, stored as UTC) is already the 25th in Tokyo.
    const tokyo = await search({ query: 'photos from 24 December 2019', time_zone: 'asia/tokyo' });
    expect(tokyo.interpreted.filters).toMatchObject({ date_from: '2019-12-23T15:00:00.000Z', date_to: '2019-12-24T14:59:59.999Z' });
    expect(names(tokyo.results)).toEqual([]);
    expect(names((await search({ query: 'photos from 24 December 2019', time_zone: 'Europe/London' })).results)).toEqual(['nikon-2019.jpg']);
    for (const time_zone of ['Mars/Olympus_Mons', 'GMT+25', ' ']) {
      const res = await postJson<SearchResponse>(s, '/api/v1/search', { query: 'photos last week', time_zone }, { code: 'INVALID_TIME_ZONE' });
      expect(res.status).toBe(400);
      expect(res.body.error?.message).toMatch(/is not a time zone this server knows; send an IANA name such as "Europe\/Berlin"/);
    }
  });
});
