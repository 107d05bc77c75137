import path from 'node:path';
import { makeTextCard, makeThumbnail, readDocx, readPdf, readTextFile, renderPdfPage, type DocumentText } from '../../shared/node/media/index.ts';
import type { PdfText } from '../../shared/node/media/pdf.ts';
import { derive, type Pipeline, type PipelineInput } from './pipeline.ts';

/** The spec sends the first 10 000 characters of a document to analysis. */
export const MAX_DOCUMENT_CHARS = 10_000;
/** Pages without a text layer rendered for OCR: each costs ~1–3 s of OCR, so only the first few. */
export const MAX_SCANNED_PAGES = 5;
/** ~200 dpi for a Letter/A4 page: body text comes out large enough for tesseract. */
const SCAN_RENDER_WIDTH = 1700;

function readText(input: PipelineInput): Promise<DocumentText | PdfText> {
  const opts = { maxChars: MAX_DOCUMENT_CHARS };
  if (input.mimeType === 'application/pdf') return readPdf(input.sourcePath, { ...opts, maxPages: 10 });
  if (input.mimeType.includes('wordprocessingml')) return readDocx(input.sourcePath, opts);
  return readTextFile(input.sourcePath, opts);
}

export const documentPipeline: Pipeline = [
  {
    name: 'reading text',
    weight: 2,
    async run(input, out) {
      const doc = await readText(input);
      const { text, ...rest } = doc;
      const scanned = 'pagesWithoutText' in rest ? rest.pagesWithoutText.slice(0, MAX_SCANNED_PAGES) : [];
      if ('pagesWithoutText' in rest) delete (rest as Partial<PdfText>).pagesWithoutText;
      out.metadata = { ...rest, characters: text.length };
      if (scanned.length > 0) Object.assign(out.metadata, { scanned: true, scannedPages: scanned });
      out.text = text;
    },
  },
  {
    name: 'rendering scanned pages',
    weight: 1,
    async run(input, out) {
      // Pages with no text layer (scans) go to the analyzer as images, which OCRs them.
      const pages = Array.isArray(out.metadata.scannedPages) ? (out.metadata.scannedPages as number[]) : [];
      for (const page of pages) {
        const png = path.join(input.workDir, `scan-${page}.png`);
        await renderPdfPage(input.sourcePath, png, { page, width: SCAN_RENDER_WIDTH, signal: input.signal });
        (out.imagePaths ??= []).push(png);
      }
    },
  },
  {
    name: 'making thumbnail',
    weight: 1,
    async run(input, out) {
      out.thumbnail = await derive(input, 'thumbnail.jpg', 'image/jpeg', async (to) => {
        if (input.mimeType === 'application/pdf') {
          const png = path.join(input.workDir, 'page1.png');
          await renderPdfPage(input.sourcePath, png, { page: 1, width: 600 });
          await makeThumbnail(png, to, { anchor: 'top' });
        } else {
          const title = typeof out.metadata.title === 'string' ? out.metadata.title : input.filename;
          await makeTextCard({ title, text: out.text ?? '', outPath: to });
        }
      });
    },
  },
];
