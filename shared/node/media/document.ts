import { open } from 'node:fs/promises';
import { TroveError } from '../../api/errors.ts';
import { clipText, DEFAULT_MAX_CHARS, type DocumentText } from './document-text.ts';
import { fileSystemError } from './failures.ts';

export { clipText, DEFAULT_MAX_CHARS, type DocumentText } from './document-text.ts';
export { readPdf, renderPdfPage } from './pdf.ts';
export { makeTextCard } from './text-card.ts';

export async function readDocx(path: string, opts: { maxChars?: number } = {}): Promise<DocumentText> {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  // mammoth (and its zip and XML readers) loads with the first .docx, not at every server start.
  const { default: mammoth } = await import('mammoth');
  let raw: string;
  try {
    raw = (await mammoth.extractRawText({ path })).value;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') throw fileSystemError(err, 'reading the document');
    throw new TroveError(
      'CORRUPT_FILE',
      "This Word document couldn't be read; it may be damaged, or it may not really be a .docx file. Open it in Word, save it again as .docx and upload the new copy.",
      { reason: err instanceof Error ? err.message : String(err) },
      { cause: err },
    );
  }
  // mammoth separates paragraphs with blank lines; runs of them (empty paragraphs) add nothing.
  const { text, clipped } = clipText(raw.replace(/\r\n?/g, '\n').replace(/\n{3,}/g, '\n\n').trim(), maxChars);
  return { text, truncated: clipped };
}

/**
 * Reads only the start of the file: UTF-8 takes at most 4 bytes per code point (2 UTF-16 units),
 * so 4 bytes per wanted character plus a BOM is always enough to tell whether there is more.
 */
export async function readTextFile(path: string, opts: { maxChars?: number } = {}): Promise<DocumentText> {
  const maxChars = opts.maxChars ?? DEFAULT_MAX_CHARS;
  const wantBytes = maxChars * 4 + 4;
  let head: Uint8Array;
  let size: number;
  try {
    const handle = await open(path, 'r');
    try {
      size = (await handle.stat()).size;
      const buffer = new Uint8Array(Math.min(wantBytes, size));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileSystemError(err, 'reading the text file');
  }
  const encoding = head[0] === 0xff && head[1] === 0xfe ? 'utf-16le' : head[0] === 0xfe && head[1] === 0xff ? 'utf-16be' : 'utf-8';
  // Not fatal: a stray invalid byte becomes U+FFFD rather than losing the whole document.
  // Streaming mode drops a character cut in half at the end of the read.
  const decoded = new TextDecoder(encoding).decode(head, { stream: head.length < size });
  const { text, clipped } = clipText(decoded.replace(/\r\n?/g, '\n'), maxChars);
  return { text, truncated: clipped || head.length < size };
}
