import { describe, it, expect } from 'vitest';
import { OfflineAnalyzer, filenameWords } from '../../../server/analysis/offline-analyzer.ts';
import type { AnalysisInput } from '../../../server/analysis/types.ts';

const analyzer = new OfflineAnalyzer();

function input(partial: Partial<AnalysisInput> & Pick<AnalysisInput, 'fileType'>): AnalysisInput {
  return { filename: 'file', mimeType: '', metadata: {}, ...partial };
}

const invoiceText =
  'Invoice 2024-118 from Acme Widgets to Jane Doe.\n\nItems: three blue widgets at 10 EUR each, delivered on 3 March. ' +
  'Payment is due within thirty days. '.repeat(30) +
  'The closing words are here.';

interface Case {
  name: string;
  input: AnalysisInput;
  summary: string[];
  tags: string[];
  extracted?: string[];
  notInSummary?: string[];
}

const cases: Case[] = [
  {
    name: 'a photo with full EXIF',
    input: input({
      fileType: 'image',
      filename: 'IMG_20190714_193210.jpg',
      mimeType: 'image/jpeg',
      metadata: {
        width: 4000, height: 3000, format: 'jpeg',
        exif: {
          takenAt: '2019-07-14T19:32:10', make: 'Canon', model: 'Canon EOS 80D', lensModel: 'EF-S18-135mm',
          gps: { latitude: 48.8584, longitude: 2.2945 }, iso: 400, fNumber: 5.6, exposureTime: 0.004, focalLength: 35,
        },
      },
    }),
    summary: ['photo', '4000×3000', 'landscape', '14 July 2019', 'evening', 'Canon EOS 80D', 'GPS', 'f/5.6', '1/250 s', 'ISO 400'],
    tags: ['image', 'photo', 'jpeg', 'landscape', 'large', 'evening', 'canon', '2019', 'july'],
    notInSummary: ['Canon Canon'],
  },
  {
    name: 'a portrait phone photo with a corporate make and EXIF-style date',
    input: input({
      fileType: 'image',
      filename: 'PXL_0001.jpg',
      mimeType: 'image/jpeg',
      metadata: { width: 3024, height: 4032, exif: { takenAt: '2021:12:24 08:15:00', make: 'NIKON CORPORATION', model: 'D750' } },
    }),
    summary: ['portrait', '24 December 2021', 'morning', 'NIKON D750'],
    tags: ['portrait', 'large', 'morning', 'december', '2021', 'nikon'],
    notInSummary: ['CORPORATION'],
  },
  {
    name: 'a panorama and a small square image',
    input: input({ fileType: 'image', filename: 'alps.png', mimeType: 'image/png', metadata: { width: 12000, height: 3000 } }),
    summary: ['PNG image', 'panorama'],
    tags: ['panorama', 'landscape', 'png', 'alps'],
  },
  {
    name: 'a small square icon',
    input: input({ fileType: 'image', filename: 'icon.webp', mimeType: 'image/webp', metadata: { width: 256, height: 256 } }),
    summary: ['small square'],
    tags: ['square', 'small', 'webp'],
    notInSummary: ['photo'],
  },
  {
    name: 'an HD video with sound',
    input: input({
      fileType: 'video',
      filename: 'beachDay_withKids.mp4',
      mimeType: 'video/mp4',
      metadata: {
        durationSec: 85.2, width: 1280, height: 720, videoCodec: 'h264', audioCodec: 'aac', hasAudio: true,
        frameRate: '30000/1001', tags: { title: 'Beach day', creation_time: '2021-08-02T16:00:00.000000Z' },
      },
    }),
    summary: ['video', '1 min 25 s', '1280×720 (HD)', 'with sound', "'Beach day'", '2 August 2021', 'H.264', '29.97 fps'],
    tags: ['video', 'mp4', 'hd', 'sound', 'august', '2021', 'beach', 'kids'],
    extracted: ['Beach day'],
  },
  {
    name: 'a short silent vertical clip',
    input: input({
      fileType: 'video', filename: 'clip.mov', mimeType: 'video/quicktime',
      metadata: { durationSec: 7, width: 1080, height: 1920, hasAudio: false },
    }),
    summary: ['7 s', 'short clip', 'Full HD', 'portrait', 'silent'],
    tags: ['short', 'clip', 'portrait', 'vertical', 'silent', 'mov'],
  },
  {
    name: 'a long 4K video',
    input: input({ fileType: 'video', filename: 'talk.webm', mimeType: 'video/webm', metadata: { durationSec: 3725, width: 3840, height: 2160 } }),
    summary: ['1 h 2 min', 'long', '4K'],
    tags: ['long', '4k', 'webm'],
  },
  {
    name: 'tagged audio',
    input: input({
      fileType: 'audio',
      filename: 'moon-landing.mp3',
      mimeType: 'audio/mpeg',
      metadata: {
        durationSec: 192, bitrate: 128_000, sampleRate: 44_100, channels: 2, codec: 'MPEG 1 Layer 3',
        tags: {
          title: 'Moon Landing Talk', artist: 'NASA', album: 'Apollo', genre: ['Speech'], year: 1969,
          comment: ['One small step for a man'], track: { no: 3, of: 12 },
        },
      },
    }),
    summary: ["3 min 12 s: 'Moon Landing Talk' by NASA", "album 'Apollo'", 'genre Speech', '1969', '128 kbps', '44.1 kHz', 'stereo', 'track 3 of 12'],
    tags: ['audio', 'mp3', 'nasa', 'speech', '1969', 'stereo', 'moon', 'landing'],
    extracted: ['Moon Landing Talk', 'NASA', 'Apollo', 'One small step for a man'],
  },
  {
    name: 'audio with music-metadata comment objects and a string year',
    input: input({
      fileType: 'audio', filename: 'a.flac', mimeType: 'audio/flac',
      metadata: { durationSec: 12, channels: 1, tags: { artist: 'Field Recorder', year: '2003-05-01', comment: [{ text: 'Birdsong at dawn' }] } },
    }),
    summary: ['FLAC audio, 12 s (short clip), by Field Recorder', '2003', 'mono', "Comment: 'Birdsong at dawn'"],
    tags: ['flac', 'field recorder', '2003', 'mono', 'short'],
    extracted: ['Birdsong at dawn'],
  },
  {
    name: 'a PDF with text',
    input: input({
      fileType: 'document',
      filename: 'Invoice_March-2024.pdf',
      mimeType: 'application/pdf',
      metadata: { pageCount: 2, title: 'Invoice 2024-118', author: 'Acme Widgets', truncated: false },
      text: invoiceText,
    }),
    summary: ['PDF document, 2 pages', "titled 'Invoice 2024-118'", 'by Acme Widgets', "Begins: 'Invoice 2024-118 from Acme Widgets to Jane Doe."],
    tags: ['document', 'pdf', 'invoice', 'march', '2024', 'acme widgets'],
    extracted: [invoiceText.slice(0, 60), 'The closing words are here.'],
    notInSummary: ['The closing words are here.'],
  },
  {
    name: 'a PDF without a text layer',
    input: input({ fileType: 'document', filename: 'scan0001.pdf', mimeType: 'application/pdf', metadata: { pageCount: 1 } }),
    summary: ['PDF document, 1 page', 'No text layer'],
    tags: ['document', 'pdf'],
  },
  {
    name: 'a truncated Word document',
    input: input({
      fileType: 'document', filename: 'thesis.docx',
      mimeType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      metadata: { truncated: true }, text: 'Chapter one. '.repeat(50),
    }),
    summary: ['Word document', 'Begins:', 'only the first part'],
    tags: ['docx', 'word', 'thesis'],
  },
];

describe('OfflineAnalyzer', () => {
  it.each(cases)('describes $name', async ({ input: i, summary, tags, extracted, notInSummary }) => {
    const result = await analyzer.analyze(i);
    for (const phrase of summary) expect(result.summary.toLowerCase()).toContain(phrase.toLowerCase());
    for (const tag of tags) expect(result.tags).toContain(tag);
    for (const text of extracted ?? []) expect(result.extractedText).toContain(text);
    for (const text of notInSummary ?? []) expect(result.summary).not.toContain(text);
    expect(result.model).toBe('offline-v3');
    expect(result.summary.length).toBeLessThanOrEqual(1000);
    expect(result.summary).not.toMatch(/undefined|NaN|null|\[object/);
    for (const tag of result.tags) expect(tag).toBe(tag.toLowerCase());
    expect(new Set(result.tags).size).toBe(result.tags.length);
    expect(result.tokenCount).toBeGreaterThan(0);
  });

  it('keeps the document text out of the summary except for a ~200-character quote', async () => {
    const result = await analyzer.analyze(cases.find((c) => c.name === 'a PDF with text')!.input);
    const quote = /Begins: '([^']*)'/.exec(result.summary)?.[1] ?? '';
    expect(quote.length).toBeGreaterThan(100);
    expect(quote.length).toBeLessThanOrEqual(202);
    expect(quote.endsWith('…')).toBe(true);
    expect(result.extractedText.length).toBeGreaterThanOrEqual(invoiceText.length);
    // words × 1.3, roughly
    const words = `${result.summary} ${result.extractedText}`.split(/\s+/).length;
    expect(result.tokenCount).toBeGreaterThan(words);
    expect(result.tokenCount).toBeLessThan(words * 1.6);
  });

  it('puts filename words in tags but not in the first sentence', async () => {
    const result = await analyzer.analyze(
      input({ fileType: 'image', filename: 'myHolidayPhotos_Crete-2019.JPG', mimeType: 'image/jpeg', metadata: { width: 800, height: 600 } }),
    );
    expect(result.tags).toEqual(expect.arrayContaining(['my', 'holiday', 'photos', 'crete', '2019']));
    const firstSentence = result.summary.split('. ')[0]!;
    expect(firstSentence).not.toMatch(/holiday|crete/i);
    expect(result.summary).toContain('Holiday');
    expect(result.tags).not.toContain('jpg.'); // extension dropped, no punctuation
  });

  it.each(['image', 'video', 'audio', 'document'] as const)('gives a sensible summary for a %s with no metadata', async (fileType) => {
    const result = await analyzer.analyze(input({ fileType, filename: '', mimeType: '' }));
    const expected = { image: 'Image file.', video: 'Video file.', audio: 'Audio file.', document: 'Document.' }[fileType];
    expect(result.summary.startsWith(expected)).toBe(true);
    expect(result.tags).toContain(fileType);
    expect(result.extractedText).toBe('');
    expect(JSON.stringify(result)).not.toMatch(/undefined|NaN|null/);
  });

  it('never throws on nonsense metadata and writes no undefined/NaN', async () => {
    const junk: unknown[] = [null, undefined, NaN, Infinity, -1, 0, '', '   ', 'abc', {}, [], [null], { text: 5 }, new Date('x'), true];
    for (const fileType of ['image', 'video', 'audio', 'document'] as const) {
      for (const v of junk) {
        const metadata = {
          width: v, height: v, format: v, durationSec: v, pageCount: v, title: v, author: v, truncated: v,
          bitrate: v, sampleRate: v, channels: v, codec: v, videoCodec: v, audioCodec: v, hasAudio: v, frameRate: v,
          exif: { takenAt: v, make: v, model: v, lensModel: v, gps: { latitude: v, longitude: v }, iso: v, fNumber: v, exposureTime: v, focalLength: v },
          tags: { title: v, artist: v, album: v, genre: v, year: v, comment: v, track: v, creation_time: v },
        };
        const result = await analyzer.analyze(input({ fileType, metadata, filename: 'x', mimeType: 'what/ever' }));
        expect(JSON.stringify(result)).not.toMatch(/undefined|NaN|Infinity|null|\[object/);
        expect(result.summary.length).toBeGreaterThan(0);
      }
    }
    // Wrong types for the top-level fields too.
    const broken = { fileType: 'image', filename: 42, mimeType: null, metadata: null, text: 7 } as unknown as AnalysisInput;
    await expect(analyzer.analyze(broken)).resolves.toMatchObject({ summary: 'Image file.' });
  });

  it('rejects impossible dates', async () => {
    for (const takenAt of ['0000:00:00 00:00:00', '2019-02-30T10:00:00', '2019-13-01', 'yesterday']) {
      const result = await analyzer.analyze(input({ fileType: 'image', metadata: { exif: { takenAt } } }));
      expect(result.summary).not.toContain('taken on');
    }
  });

  it('reads the wall-clock time as written, whatever the time zone', async () => {
    const result = await analyzer.analyze(input({ fileType: 'image', metadata: { exif: { takenAt: '2020-01-05T23:30:00+09:00' } } }));
    expect(result.summary).toContain('taken on 5 January 2020 in the night');
    expect(result.tags).toEqual(expect.arrayContaining(['2020', 'january', 'sunday', 'night']));
  });

  it('is Unicode-safe and deterministic', async () => {
    const family = '👨‍👩‍👧‍👦';
    const title = `Fête de la musique ${family} `.repeat(20);
    const i = input({
      fileType: 'document', filename: 'Überweisung_Ärztin-Köln.pdf', mimeType: 'application/pdf',
      metadata: { title: `\u202Egnp.exe\u0000${title}` },
      text: `${family} 日本語のテキスト。\uD800 `.repeat(40),
    });
    const a = await analyzer.analyze(i);
    const b = await analyzer.analyze(i);
    expect(a).toEqual(b);
    expect(a.tags).toEqual(expect.arrayContaining(['überweisung', 'ärztin', 'köln']));
    // eslint-disable-next-line no-control-regex
    expect(a.summary).not.toMatch(/[\u0000-\u001f\u202e]/);
    expect(a.summary).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/); // no cut surrogate pairs
    expect(a.summary).toContain('Fête de la musique');
    // Clipping never splits the family emoji (a ZWJ sequence).
    for (const m of a.summary.matchAll(/👨[^ '…]*/gu)) expect(m[0]).toBe(family);
    expect(a.extractedText).toContain('日本語のテキスト');
    expect(a.tokenCount).toBeGreaterThan(100); // text without spaces still counts
  });

  it('honours an aborted signal', async () => {
    const ac = new AbortController();
    ac.abort();
    await expect(analyzer.analyze(input({ fileType: 'image' }), ac.signal)).rejects.toThrow();
  });
});

describe('filenameWords', () => {
  it.each([
    ['Invoice_March-2024.pdf', ['invoice', 'march', '2024']],
    ['myHolidayPhotos.jpeg', ['my', 'holiday', 'photos']],
    ['HTMLParser notes.txt', ['html', 'parser', 'notes']],
    ['trip2019.mp4', ['trip', '2019']],
    ['IMG_20190714_193210.jpg', []],
    ['.hidden', ['hidden']],
    ['a/b/c/Report (final).docx', ['report', 'final']],
    ['', []],
  ])('%s', (name, expected) => {
    expect(filenameWords(name).map((w) => w.lower)).toEqual(expected);
  });
});
