import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type * as PdfjsModule from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { TroveError } from '../../api/errors.ts';
import { writeFileAtomically } from './atomic.ts';
import { clipText, DEFAULT_MAX_CHARS, type DocumentText } from './document-text.ts';
import { abortError, fileSystemError, throwIfAborted } from './failures.ts';

type Pdfjs = typeof PdfjsModule;

const require = createRequire(import.meta.url);
const PDFJS_ROOT = dirname(require.resolve('pdfjs-dist/package.json'));
// pdfjs joins these with file names and insists on a trailing '/' (also on Windows, where fs accepts it).
const STANDARD_FONTS = `${join(PDFJS_ROOT, 'standard_fonts')}/`;
const CMAPS = `${join(PDFJS_ROOT, 'cmaps')}/`;
const WASM = `${join(PDFJS_ROOT, 'wasm')}/`;

/** Fewer characters than this on a page means it has no real text layer. */
const MIN_PAGE_TEXT = 10;

/** Longest page we draw, as a multiple of its width: a 1×1000 banner page would otherwise allocate gigabytes. */
const MAX_ASPECT = 4;

let pdfjsModule: Promise<Pdfjs> | undefined;
// Loaded on first use: importing pdfjs installs DOMMatrix/Path2D polyfills and costs ~100 ms.
function loadPdfjs(): Promise<Pdfjs> {
  pdfjsModule ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjsModule;
}

/** The part of the canvas pdfjs creates in Node (@napi-rs/canvas) that we use. */
interface NodeCanvasEntry {
  canvas: { width: number; height: number; encode(format: 'png'): Promise<Buffer> };
  context: unknown;
}
interface NodeCanvasFactory {
  create(width: number, height: number): NodeCanvasEntry;
  destroy(entry: NodeCanvasEntry): void;
}

function pdfError(err: unknown): TroveError {
  if (err instanceof TroveError) return err;
  const name = err instanceof Error ? err.name : '';
  if (name === 'PasswordException') {
    return new TroveError('PDF_ENCRYPTED', 'This PDF is password-protected; remove the password and upload it again.', undefined, { cause: err });
  }
  return new TroveError(
    'CORRUPT_FILE',
    "This PDF couldn't be read; it may be damaged or incomplete. Open it in a PDF reader, save a new copy and upload that.",
    { reason: err instanceof Error ? `${name}: ${err.message}` : String(err) },
    { cause: err },
  );
}

/** Opens a PDF, hands it to `use`, and always destroys the loading task (which frees the fake worker). */
async function withPdf<T>(path: string, signal: AbortSignal | undefined, use: (doc: PDFDocumentProxy) => Promise<T>): Promise<T> {
  throwIfAborted(signal);
  const data = await readFile(path).catch((err: unknown) => {
    throw fileSystemError(err, 'reading the PDF');
  });
  const pdfjs = await loadPdfjs();
  const task = pdfjs.getDocument({
    data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    isEvalSupported: false,
    standardFontDataUrl: STANDARD_FONTS,
    cMapUrl: CMAPS,
    cMapPacked: true,
    wasmUrl: WASM,
    verbosity: pdfjs.VerbosityLevel.ERRORS,
  });
  const onAbort = (): void => void task.destroy();
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await use(await task.promise);
  } catch (err) {
    if (signal?.aborted) throw abortError(signal.reason);
    throw pdfError(err);
  } finally {
    signal?.removeEventListener('abort', onAbort);
    await task.destroy();
  }
}

export interface PdfText extends DocumentText {
  /** Pages read that have no text layer (1-based): scans, or pages of pictures only, to render and OCR. */
  pagesWithoutText: number[];
  /** Each page's own text (1-based `page`; pages without text left out), up to `pageTexts` pages, when asked for. */
  pages?: { page: number; text: string }[];
  /** When the document was made (its CreationDate), ISO 8601 in UTC. */
  created?: string;
}

export async function readPdf(
  path: string,
  opts: { maxPages?: number; maxChars?: number; pageTexts?: number; signal?: AbortSignal } = {},
): Promise<PdfText> {
  const maxPages = opts.maxPages ?? 10;
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  return withPdf(path, opts.signal, async (doc) => {
    const pagesToRead = Math.min(doc.numPages, maxPages);
    const pages: string[] = [];
    const pagesWithoutText: number[] = [];
    const pageTexts: { page: number; text: string }[] = [];
    const lastPageText = Math.min(doc.numPages, opts.pageTexts ?? 0);
    let length = 0;
    for (let n = 1; (n <= pagesToRead && length <= maxChars) || n <= lastPageText; n++) {
      throwIfAborted(opts.signal);
      const page = await doc.getPage(n);
      const content = await page.getTextContent();
      let text = '';
      for (const item of content.items) {
        if ('str' in item) text += item.str + (item.hasEOL ? '\n' : '');
      }
      page.cleanup();
      if (n <= lastPageText && text.trim() !== '') pageTexts.push({ page: n, text: text.trim() });
      // Past the opening pages only the page texts are being read.
      if (n > pagesToRead || length > maxChars) continue;
      // A scanner's stray OCR-less page can still carry a few characters (a page number stamp).
      if (text.trim().length < MIN_PAGE_TEXT) pagesWithoutText.push(n);
      pages.push(text.trim());
      length += text.length;
    }
    const clipped = clipText(pages.filter(Boolean).join('\n\n'), maxChars);
    const result: PdfText = {
      pagesWithoutText,
      text: clipped.text,
      pageCount: doc.numPages,
      truncated: clipped.clipped || pages.length < doc.numPages,
      ...(opts.pageTexts !== undefined ? { pages: pageTexts } : {}),
    };
    const { info } = await doc.getMetadata();
    const fields = info as Record<string, unknown>;
    if (typeof fields.Title === 'string' && fields.Title.trim()) result.title = fields.Title.trim();
    if (typeof fields.Author === 'string' && fields.Author.trim()) result.author = fields.Author.trim();
    const created = typeof fields.CreationDate === 'string' ? (await loadPdfjs()).PDFDateString.toDateObject(fields.CreationDate) : null;
    if (created && Number.isFinite(created.getTime())) result.created = created.toISOString();
    return result;
  });
}

/** Renders one page to a PNG `width` pixels wide (white background), written atomically. */
export async function renderPdfPage(
  path: string,
  outPath: string,
  opts: { page?: number; width?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const pageNumber = opts.page ?? 1;
  const width = Math.round(opts.width ?? 600);
  const png = await withPdf(path, opts.signal, async (doc) => {
    if (!Number.isInteger(pageNumber) || pageNumber < 1 || pageNumber > doc.numPages) {
      throw new TroveError('VALIDATION_ERROR', `This PDF has ${doc.numPages} page(s); page ${pageNumber} does not exist.`, { pageNumber, pageCount: doc.numPages });
    }
    const page = await doc.getPage(pageNumber);
    const viewport = page.getViewport({ scale: width / page.getViewport({ scale: 1 }).width });
    const height = Math.max(1, Math.min(Math.round(viewport.height), width * MAX_ASPECT));
    // pdfjs's own Node factory: its temporary canvases and polyfills come from the same @napi-rs/canvas copy
    // (pdfjs-dist bundles its own version), and mixing two copies' canvases in drawImage is not safe.
    const factory = doc.canvasFactory as NodeCanvasFactory;
    const entry = factory.create(width, height);
    try {
      // pdfjs types its canvas as the DOM's; in Node it is @napi-rs/canvas, which pdfjs's Node factory made.
      const canvas = entry.canvas as unknown as Parameters<PDFPageProxy['render']>[0]['canvas'];
      const task = page.render({ canvas, canvasContext: entry.context, viewport });
      const onAbort = (): void => task.cancel();
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        await task.promise;
      } finally {
        opts.signal?.removeEventListener('abort', onAbort);
      }
      return await entry.canvas.encode('png');
    } finally {
      factory.destroy(entry);
      page.cleanup();
    }
  });
  await writeFileAtomically(outPath, png);
}
