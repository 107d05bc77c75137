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

/**
 * Pages of a PDF whose text is kept page by page for search (upload_chunks): reading a page's text
 * costs ~2–5 ms, so a 1 000-page manual is read whole; beyond that the rest is left out, and said so.
 */
export const MAX_INDEXED_PAGES = 1000;

function readText(input: PipelineInput): Promise<DocumentText | PdfText> {
  const opts = { maxChars: MAX_DOCUMENT_CHARS };
  if (input.mimeType === 'application/pdf') return readPdf(input.sourcePath, { ...opts, maxPages: 10, pageTexts: MAX_INDEXED_PAGES, signal: input.signal });
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
      const pages = 'pages' in rest ? rest.pages ?? [] : [];
      if ('pages' in rest) delete (rest as Partial<PdfText>).pages;
      out.metadata = { ...rest, characters: text.length };
      if (pages.length > 0) {
        out.chunks = pages.map((p) => ({ kind: 'page' as const, page: p.page, text: p.text }));
        out.metadata.pagesIndexed = Math.min(Number(rest.pageCount ?? 0), MAX_INDEXED_PAGES);
      }
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
