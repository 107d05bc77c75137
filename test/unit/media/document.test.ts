import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTextCard, readDocx, readPdf, readTextFile, renderPdfPage } from '../../../shared/node/media/document.ts';
import { escapeXml, wrapText } from '../../../shared/node/media/text-card.ts';
import { expectTroveError, makeDocx, makeTempDir, regionStats, truncateCopy } from './fixtures.ts';
import { encryptedPdf } from '../../helpers/media.ts';

let dir: string;
let cleanup: () => Promise<void>;
const file = (name: string): string => join(dir, name);

async function makeTwoPagePdf(): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle('Quarterly Report');
  doc.setAuthor('Ada Lovelace');
  doc.setCreationDate(new Date('2019-05-04T08:30:00Z'));
  const font = await doc.embedFont(StandardFonts.Helvetica);
  doc.addPage([612, 792]).drawText('Hello aardvark zebra', { x: 50, y: 700, size: 28, font });
  doc.addPage([612, 792]).drawText('The second page mentions a platypus', { x: 50, y: 700, size: 18, font });
  return doc.save();
}

async function makeManyPagePdf(pages: number): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= pages; i++) doc.addPage([300, 300]).drawText(`Page number ${i} of the long one`, { x: 20, y: 150, size: 12, font });
  return doc.save();
}

beforeAll(async () => {
  ({ dir, cleanup } = await makeTempDir('document'));
  const notADocx = new JSZip();
  notADocx.file('hello.txt', 'a zip, but no word/document.xml inside');
  await Promise.all([
    makeTwoPagePdf().then((b) => writeFile(file('two-pages.pdf'), b)),
    encryptedPdf().then((b) => writeFile(file('encrypted.pdf'), b)),
    makeManyPagePdf(15).then((b) => writeFile(file('fifteen.pdf'), b)),
    makeDocx(['Minutes of the meeting', 'Attendees: Grace & Alan <chair>', 'We discussed the wombat budget.']).then((b) => writeFile(file('minutes.docx'), b)),
    notADocx.generateAsync({ type: 'nodebuffer' }).then((b) => writeFile(file('plain-zip.docx'), b)),
    writeFile(file('random.docx'), Buffer.from(Array.from({ length: 2000 }, (_, i) => (i * 31 + 7) % 256))),
    writeFile(file('bom.txt'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Grüße\r\nzweite Zeile\r\n')])),
    writeFile(file('utf16.txt'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Hallo Welt', 'utf16le')])),
    writeFile(file('big.md'), `# Big notes\n\n${'lorem ipsum dolor sit amet '.repeat(400_000)}`),
    writeFile(file('emoji.txt'), 'ab😀cd'),
  ]);
  await truncateCopy(file('two-pages.pdf'), file('truncated.pdf'));
});
afterAll(() => cleanup());

describe('readPdf', () => {
  it('extracts the text, page count, title, author and creation date', async () => {
    const doc = await readPdf(file('two-pages.pdf'));
    expect(doc).toMatchObject({ pageCount: 2, title: 'Quarterly Report', author: 'Ada Lovelace', created: '2019-05-04T08:30:00.000Z', truncated: false });
    expect(doc.text).toContain('Hello aardvark zebra');
    expect(doc.text).toContain('platypus');
    expect(doc.text.indexOf('aardvark')).toBeLessThan(doc.text.indexOf('platypus'));
  });

  it('stops after maxPages and says so', async () => {
    const doc = await readPdf(file('fifteen.pdf'));
    expect(doc.pageCount).toBe(15);
    expect(doc.truncated).toBe(true);
    expect(doc.text).toContain('Page number 10 ');
    expect(doc.text).not.toContain('Page number 11 ');
    const two = await readPdf(file('fifteen.pdf'), { maxPages: 2 });
    expect(two.text).toContain('Page number 2 ');
    expect(two.text).not.toContain('Page number 3 ');
  });

  it('stops at maxChars', async () => {
    const doc = await readPdf(file('two-pages.pdf'), { maxChars: 12 });
    expect(doc).toMatchObject({ text: 'Hello aardva', truncated: true });
  });

  it('reports a password-protected PDF as PDF_ENCRYPTED', async () => {
    const err = await expectTroveError(readPdf(file('encrypted.pdf')), 'PDF_ENCRYPTED');
    expect(err.message).toBe('This PDF is password-protected; remove the password and upload it again.');
  });

  it('reports a truncated PDF as CORRUPT_FILE', async () => {
    await expectTroveError(readPdf(file('truncated.pdf')), 'CORRUPT_FILE');
  });

  it('reports a non-PDF as CORRUPT_FILE', async () => {
    await expectTroveError(readPdf(file('random.docx')), 'CORRUPT_FILE');
  });

  it('stops when the signal has fired', async () => {
    await expectTroveError(readPdf(file('two-pages.pdf'), { signal: AbortSignal.abort() }), 'PROCESSING_TIMEOUT');
  });
});

describe('renderPdfPage', () => {
  it('renders page 1 as a PNG of the requested width, with its text drawn', async () => {
    const out = file('page1.png');
    await renderPdfPage(file('two-pages.pdf'), out);
    expect(existsSync(`${out}.tmp`)).toBe(false);
    const meta = await sharp(out).metadata();
    // US Letter is 612×792 pt, so 600 px wide is 776 px tall.
    expect(meta).toMatchObject({ format: 'png', width: 600, height: 776 });
    // The heading sits in the top band; without standard font data pdfjs draws no glyphs at all.
    const [heading] = await regionStats(out, { left: 0, top: 60, width: 600, height: 60 }, { greyscale: true });
    expect(heading!.min).toBeLessThan(80);
    const [blank] = await regionStats(out, { left: 0, top: 400, width: 600, height: 300 }, { greyscale: true });
    expect(blank!.min).toBeGreaterThan(240);
  });

  it('renders another page at another width', async () => {
    await renderPdfPage(file('two-pages.pdf'), file('page2.png'), { page: 2, width: 300 });
    expect(await sharp(file('page2.png')).metadata()).toMatchObject({ width: 300, height: 388 });
  });

  it('rejects a page that does not exist', async () => {
    await expectTroveError(renderPdfPage(file('two-pages.pdf'), file('page9.png'), { page: 9 }), 'VALIDATION_ERROR');
    expect(existsSync(file('page9.png'))).toBe(false);
  });

  it('reports encrypted and truncated PDFs with their codes', async () => {
    await expectTroveError(renderPdfPage(file('encrypted.pdf'), file('enc.png')), 'PDF_ENCRYPTED');
    await expectTroveError(renderPdfPage(file('truncated.pdf'), file('cut.png')), 'CORRUPT_FILE');
  });
});

describe('readDocx', () => {
  it('extracts paragraphs as text', async () => {
    const doc = await readDocx(file('minutes.docx'));
    expect(doc).toEqual({
      text: 'Minutes of the meeting\n\nAttendees: Grace & Alan <chair>\n\nWe discussed the wombat budget.',
      truncated: false,
    });
  });

  it('honours maxChars', async () => {
    expect(await readDocx(file('minutes.docx'), { maxChars: 7 })).toEqual({ text: 'Minutes', truncated: true });
  });

  it('reports a zip without a Word document, or random bytes, as CORRUPT_FILE', async () => {
    await expectTroveError(readDocx(file('plain-zip.docx')), 'CORRUPT_FILE');
    await expectTroveError(readDocx(file('random.docx')), 'CORRUPT_FILE');
  });
});

describe('readTextFile', () => {
  it('strips a UTF-8 BOM and normalises line endings', async () => {
    expect(await readTextFile(file('bom.txt'))).toEqual({ text: 'Grüße\nzweite Zeile\n', truncated: false });
  });

  it('reads UTF-16 with a BOM', async () => {
    expect(await readTextFile(file('utf16.txt'))).toEqual({ text: 'Hallo Welt', truncated: false });
  });

  it('reads only the start of a large file', async () => {
    const started = Date.now();
    const doc = await readTextFile(file('big.md'), { maxChars: 20 });
    expect(doc).toEqual({ text: '# Big notes\n\nlorem i', truncated: true });
    expect(Date.now() - started).toBeLessThan(200);
    expect((await readTextFile(file('big.md'))).text).toHaveLength(10_000);
  });

  it('never cuts an emoji in half', async () => {
    expect(await readTextFile(file('emoji.txt'), { maxChars: 3 })).toEqual({ text: 'ab', truncated: true });
  });
});

describe('makeTextCard', () => {
  it('renders a 300×300 JPEG card with a dark title on a light page', async () => {
    const out = file('card.jpg');
    await makeTextCard({ title: 'Meeting notes', text: 'We discussed the wombat budget.\n\nNext steps: buy more hay.', outPath: out });
    expect(existsSync(`${out}.tmp`)).toBe(false);
    expect(await sharp(out).metadata()).toMatchObject({ format: 'jpeg', width: 300, height: 300 });
    const [page] = await regionStats(out, { left: 0, top: 0, width: 300, height: 300 }, { greyscale: true });
    expect(page!.mean).toBeGreaterThan(200);
    const [titleBand] = await regionStats(out, { left: 30, top: 30, width: 240, height: 25 }, { greyscale: true });
    expect(titleBand!.min).toBeLessThan(100);
    const [margin] = await regionStats(out, { left: 0, top: 0, width: 300, height: 12 }, { greyscale: true });
    expect(margin!.min).toBeGreaterThan(200);
  });

  it('escapes markup and drops characters XML forbids instead of failing', async () => {
    const out = file('hostile.jpg');
    const nasty = 'A & B <script>alert("x")</script> \u0000\u0001\u0007 \'quoted\' \ud800 lone surrogate ]]> 😀';
    await makeTextCard({ title: nasty, text: `${nasty}\n`.repeat(50), outPath: out, size: 128 });
    expect(await sharp(out).metadata()).toMatchObject({ format: 'jpeg', width: 128, height: 128 });
  });

  it('copes with empty text and very long words', async () => {
    await makeTextCard({ title: '', text: '', outPath: file('empty-card.jpg') });
    await makeTextCard({ title: 'x'.repeat(500), text: 'y'.repeat(5000), outPath: file('long-card.jpg') });
    expect(await sharp(file('empty-card.jpg')).metadata()).toMatchObject({ width: 300, height: 300 });
    expect(await sharp(file('long-card.jpg')).metadata()).toMatchObject({ width: 300, height: 300 });
  });
});

describe('escapeXml / wrapText', () => {
  it('escapes the five XML specials and removes forbidden characters, keeping emoji', () => {
    expect(escapeXml(`<a href="x">'Tom' & Jerry</a>\u0000\u0008\ud800😀`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;Tom&apos; &amp; Jerry&lt;/a&gt;😀');
  });

  it('wraps at word boundaries, splits overlong words and marks cut-off text', () => {
    expect(wrapText('one two three four', 4, 10)).toEqual(['one two', 'three', 'four']);
    expect(wrapText('abcdefghijklmnop', 3, 10).every((line) => line.length <= 6)).toBe(true);
    const cut = wrapText('one two three four five six', 6, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1]!.endsWith('…')).toBe(true);
  });
});
