/**
 * Draws one page of a PDF into a canvas in the page itself (pdf.js, loaded only when a document is
 * opened at a page): the browser's own PDF viewer cannot be used, because Trove serves originals as
 * sandboxed attachments so that a hostile file never runs as a page of this origin.
 */
import workerUrl from 'pdfjs-dist/build/pdf.worker.min.mjs?url';

export interface DrawnPage {
  page: number;
  pages: number;
}

/** Renders `page` (1-based, clamped to the document) of the PDF at `url` into `canvas`, `width` CSS pixels wide. */
export async function drawPdfPage(canvas: HTMLCanvasElement, url: string, page: number, width: number, signal?: AbortSignal): Promise<DrawnPage> {
  const pdfjs = await import('pdfjs-dist');
  pdfjs.GlobalWorkerOptions.workerSrc = workerUrl;
  // No eval: the page's policy forbids it; fonts are drawn by their paths instead.
  const task = pdfjs.getDocument({ url, isEvalSupported: false, withCredentials: false });
  signal?.addEventListener('abort', () => void task.destroy(), { once: true });
  const doc = await task.promise;
  try {
    const n = Math.min(Math.max(1, Math.trunc(page)), doc.numPages);
    const p = await doc.getPage(n);
    const scale = width / p.getViewport({ scale: 1 }).width;
    const ratio = window.devicePixelRatio || 1;
    const viewport = p.getViewport({ scale: scale * ratio });
    canvas.width = Math.round(viewport.width);
    canvas.height = Math.round(viewport.height);
    canvas.style.width = `${Math.round(viewport.width / ratio)}px`;
    await p.render({ canvas, viewport }).promise;
    return { page: n, pages: doc.numPages };
  } finally {
    void doc.destroy();
  }
}
