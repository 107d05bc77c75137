/**
 * `trove search` reading the query the way people ask: the real CLI (bin/trove.js, a child
 * process) against the real server on real files — PDFs with creation dates, a photo with EXIF.
 * The JSON answer carries what was understood, the counts and a reason per result; the human
 * answer says "Understood: …" and why each file matched; --sort, --limit, --offset, --all page
 * through the list; the time zone moves the edges of a year; bad flags and API errors exit non-zero.
 */
import { PDFDocument } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SearchResponse } from '../../shared/api/schemas.ts';
import { searchText } from '../../server/cli/search-command.ts';
import { trove } from '../helpers/cli.ts';
import { accept } from '../helpers/http.ts';
import { pdfWithText } from '../helpers/media.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';

type Answer = Required<SearchResponse>;

let server: TestServer;
let env: Record<string, string>;

async function pdf(lines: string[], title: string, created: Date): Promise<Buffer> {
  const doc = await PDFDocument.load(await pdfWithText(lines, title));
  doc.setCreationDate(created);
  return Buffer.from(await doc.save());
}

async function json(args: string[]): Promise<Answer> {
  const run = await trove(['search', ...args, '--json'], env);
  expect(run.stderr).toBe('');
  expect(run.code).toBe(0);
  return JSON.parse(run.stdout) as Answer;
}

const names = (a: Answer) => a.results.map((r) => r.filename);

beforeAll(async () => {
  // The hash embedder: these tests are about reading the query and paging, not about the model.
  server = await startTestServer({ TROVE_EMBEDDER: 'hash' });
  env = { TROVE_URL: server.url, TROVE_TOKEN: server.token };
  const photo = await sharp({ create: { width: 120, height: 90, channels: 3, background: '#c0392b' } }).jpeg()
    .withExif({ IFD0: { Make: 'Canon', Model: 'Canon EOS R5', DateTime: '2019:07:14 12:00:00' }, IFD2: { DateTimeOriginal: '2019:07:14 12:00:00' } })
    .toBuffer();
  const files: [string, Buffer][] = [
    ['rowing-report.pdf', await pdf(['Annual report of the rowing club', 'Regatta results, new boats and the finances.'], 'Rowing club report', new Date('2019-05-04T08:00:00Z'))],
    // Late on New Year's Eve in UTC: already 2020 in Tokyo.
    ['new-year-minutes.pdf', await pdf(['Minutes of the rowing club meeting', 'Fireworks over the boathouse at midnight.'], 'Minutes', new Date('2019-12-31T23:30:00Z'))],
    ['invoice-2023.pdf', await pdf(['Invoice 4471 from Northwind Plumbing', 'Repair of the leaking pipe.'], 'Invoice 4471', new Date('2023-03-15T10:00:00Z'))],
    ['canon-2019.jpg', photo],
    ['regatta-notes.txt', Buffer.from('Notes from the regatta: the rowing eight won by a length.\n')],
  ];
  const ids = [];
  for (const [name, bytes] of files) ids.push((await accept(server, bytes, name)).uploadId);
  const done = await Promise.all(ids.map((id) => server.waitForUpload(id)));
  expect(done.map((u) => u.processing_status)).toEqual(done.map(() => 'completed'));
}, 180_000);

afterAll(async () => {
  await server?.close();
});

describe('trove search --json', () => {
  it('"pdf from 2019": the interpreted filters, the counts, and a reason for every result', async () => {
    const a = await json(['pdf from 2019', '--time-zone', 'UTC']);
    expect(a.interpreted.text).toBe('');
    expect(a.interpreted.filters).toEqual({ file_types: ['document'], formats: ['pdf'], date_from: '2019-01-01T00:00:00.000Z', date_to: '2019-12-31T23:59:59.999Z' });
    expect(names(a).sort()).toEqual(['new-year-minutes.pdf', 'rowing-report.pdf']);
    expect(a.facets.file_type).toEqual({ document: 2 });
    expect(a.facets.year).toEqual({ 2019: 2 });
    expect(a.total).toBe(2);
    expect(a.results.map((r) => r.reason)).toEqual([{ by: 'filters' }, { by: 'filters' }]);

    // A kind of file by its plural noun is a file type.
    const docs = await json(['documents from 2019', '--time-zone', 'UTC']);
    expect(docs.interpreted.filters).toEqual({ file_types: ['document'], date_from: '2019-01-01T00:00:00.000Z', date_to: '2019-12-31T23:59:59.999Z' });
  });

  it('words and filters together: each result says which ranker found it and marks the matched words', async () => {
    const a = await json(['rowing documents', '--time-zone', 'UTC']);
    expect(a.interpreted).toMatchObject({ text: 'rowing', filters: { file_types: ['document'] } });
    expect(a.results.length).toBeGreaterThan(0);
    for (const r of a.results) expect(['text', 'meaning', 'both']).toContain(r.reason?.by);
    const report = a.results.find((r) => r.filename === 'rowing-report.pdf');
    expect(report?.reason).toMatchObject({ by: expect.stringMatching(/^(text|both)$/), snippet: expect.stringContaining('«rowing»') });
  });

  it('the time zone moves where a year begins: a PDF of 23:30 UTC on 31 December 2019 is from 2020 in Tokyo', async () => {
    const tokyo = await json(['pdf from 2019', '--time-zone', 'Asia/Tokyo']);
    expect(tokyo.interpreted.filters).toMatchObject({ date_from: '2018-12-31T15:00:00.000Z', date_to: '2019-12-31T14:59:59.999Z' });
    expect(names(tokyo)).toEqual(['rowing-report.pdf']);
    const next = await json(['pdf from 2020', '--time-zone', 'Asia/Tokyo']);
    expect(names(next)).toEqual(['new-year-minutes.pdf']);
  });

  it('--sort, --limit and --offset page through the list; --all pages to its end', async () => {
    const oldest = await json(['photos pdf', '--sort', 'oldest']);
    expect(names(oldest)).toEqual(['rowing-report.pdf', 'canon-2019.jpg', 'new-year-minutes.pdf', 'invoice-2023.pdf']);
    const second = await json(['photos pdf', '--sort', 'oldest', '--limit', '1', '--offset', '1']);
    expect(names(second)).toEqual(['canon-2019.jpg']);
    expect(second).toMatchObject({ total: 4, has_more: true, next_offset: 2 });
    const all = await json(['photos pdf', '--sort', 'newest', '--limit', '1', '--all']);
    expect(names(all)).toEqual(['invoice-2023.pdf', 'new-year-minutes.pdf', 'canon-2019.jpg', 'rowing-report.pdf']);
    expect(all).toMatchObject({ total: 4, has_more: false, next_offset: null });
    expect(all.facets.file_type).toEqual({ image: 1, document: 3 });
  });
});

describe('trove search, for people', () => {
  it('prints what it understood, and each result with why it matched', async () => {
    const run = await trove(['search', 'pdf from 2019', '--time-zone', 'UTC'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^Understood: type pdf · 2019-01-01 → 2019-12-31$/m);
    expect(run.stdout).toMatch(/^ {2}1\. new-year-minutes\.pdf · document · 2019-12-31 · [\d.]+ K?B$/m);
    expect(run.stdout).toMatch(/^ {2}2\. rowing-report\.pdf · document · 2019-05-04 · [\d.]+ K?B$/m);
    expect(run.stdout).toMatch(/^ {5}matches the filters/m);
    expect(run.stdout).toMatch(/^By types: document 2 · years: 2019 2$/m);
    expect(run.stdout).toMatch(/^Results 1–2 of 2, in \d+ ms\.$/m);

    const words = await trove(['search', 'regatta', '--limit', '1'], env);
    expect(words.code).toBe(0);
    expect(words.stdout).toMatch(/^Understood: "regatta"$/m);
    // Not a terminal: the matched words keep their «marks».
    expect(words.stdout).toMatch(/^ {5}words in the (text|description): .*«[Rr]egatta»/m);
    expect(words.stdout).toMatch(/^Results 1–1 of \d+ \(more: --offset 1, or --all\), in \d+ ms\.$/m);

    const sinceAndExclude = await trove(['search', 'rowing since 2023 -invoice', '--time-zone', 'Europe/Berlin'], env);
    expect(sinceAndExclude.code).toBe(0);
    expect(sinceAndExclude.stdout).toMatch(/^Understood: "rowing" · since 2023-01-01 · without invoice$/m);

    // What the server noted about the query comes out too.
    const contradiction = await trove(['search', 'photos since 2021 before 2019'], env);
    expect(contradiction.code).toBe(0);
    expect(contradiction.stdout).toMatch(/^Note: The dates contradict each other, so none was applied; their words were matched as text\.$/m);
  });

  it('says how many weaker matches the cut-off left out, and --weaker lists them', async () => {
    const base = { search_id: '00000000-0000-4000-8000-000000000000', processing_time_ms: 3, has_more: false, next_offset: null };
    const one = { upload_id: '00000000-0000-4000-8000-000000000001', filename: 'invoice.pdf', file_type: 'document', mime_type: 'application/pdf', summary: null,
      similarity_score: 0.41, thumbnail_url: null, created_at: '2024-01-02T00:00:00.000Z', cloud_status: null, keep_local: false, reason: { by: 'text' } } as const;
    const o = { query: 'Northwind plumbing', offset: 0, timeZone: 'UTC', tty: false, all: false };
    expect(searchText({ ...base, results: [one], total: 1, more_below_cutoff: 4 }, o)).toMatch(/^Results 1–1 of 1, in 3 ms\.\n4 weaker matches left out \(--weaker lists them too\)\.\n$/m);
    expect(searchText({ ...base, results: [], total: 0, more_below_cutoff: 1 }, o)).toBe('No close matches for "Northwind plumbing".\n1 weaker match left out (--weaker lists it too).\n');
    expect(searchText({ ...base, results: [one], total: 1, more_below_cutoff: 0 }, o)).not.toMatch(/weaker/);
    // The flag asks for them: nothing is left out of its answer.
    const weaker = await json(['rowing club', '--weaker']);
    expect(weaker.more_below_cutoff).toBe(0);
    expect(weaker.total).toBeGreaterThanOrEqual((await json(['rowing club'])).total);
  });

  it('--literal: every word as typed, nothing read out of the query', async () => {
    const a = await json(['pdf from 2019', '--literal']);
    expect(a.interpreted).toMatchObject({ text: 'pdf from 2019', filters: {} });
    for (const r of a.results) expect(['text', 'meaning', 'both']).toContain(r.reason?.by);
  });

  it('bad flags: a clear USAGE error and exit 2, before anything is asked of the server', async () => {
    const cases: [string[], RegExp][] = [
      [['--sort', 'banana'], /^error USAGE: --sort must be one of relevance, newest, oldest, name, size, got 'banana'\.\n$/],
      [['--limit', '0'], /^error USAGE: --limit must be a whole number from 1 to 100, got '0'\.\n$/],
      [['--limit', 'ten'], /^error USAGE: --limit must be a whole number from 1 to 100, got 'ten'\.\n$/],
      [['--offset=-3'], /^error USAGE: --offset must be a whole number from 0 to 10000, got '-3'\.\n$/],
      [['--offset', '10001'], /^error USAGE: --offset must be a whole number from 0 to 10000, got '10001'\.\n$/],
    ];
    const runs = await Promise.all(cases.map(([flags]) => trove(['search', 'rowing', ...flags], env)));
    runs.forEach((run, i) => {
      expect(run.code, cases[i]![0].join(' ')).toBe(2);
      expect(run.stderr).toMatch(cases[i]![1]);
      expect(run.stdout).toBe('');
    });
  });

  it('an error of the API comes out with its code and message, exit 1, with or without --json', async () => {
    for (const extra of [[], ['--json']]) {
      const run = await trove(['search', 'pdf from last week', '--time-zone', 'Mars/Olympus_Mons', ...extra], env);
      expect(run.code).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toBe('error INVALID_TIME_ZONE: "Mars/Olympus_Mons" is not a time zone this server knows; send an IANA name such as "Europe/Berlin" or "America/New_York", or leave time_zone out for UTC.\n');
    }
    const unauthorized = await trove(['search', 'rowing'], { ...env, TROVE_TOKEN: 'not-the-right-token-at-all' });
    expect(unauthorized.code).toBe(1);
    expect(unauthorized.stderr).toMatch(/^error UNAUTHORIZED: \S/);
  });

  it('sends the system time zone when none is given (TZ)', async () => {
    const run = await trove(['search', 'pdf from 2020', '--json'], { ...env, TZ: 'Asia/Tokyo' });
    expect(run.code).toBe(0);
    const a = JSON.parse(run.stdout) as Answer;
    expect(a.interpreted.filters).toMatchObject({ date_from: '2019-12-31T15:00:00.000Z' });
    expect(names(a)).toEqual(['new-year-minutes.pdf']);
  });
});
