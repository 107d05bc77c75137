import { open, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileTypeFromFile } from 'file-type';
import { TroveError } from '../../api/errors.ts';
import { fileTypeOfMime, type FileType } from '../../file-types.ts';
import { fileSystemError } from './failures.ts';

export interface SniffResult {
  mime: string;
  fileType: FileType;
  ext: string;
}

const TEXT_PROBE_BYTES = 64 * 1024;

/** file-type's names for formats we list under another (usually the registered) name. */
const MIME_ALIASES: Readonly<Record<string, string>> = {
  'audio/x-flac': 'audio/flac',
  'audio/x-m4a': 'audio/mp4',
  'audio/x-wav': 'audio/wav',
  'audio/vnd.wave': 'audio/wav',
  'audio/ogg; codecs=opus': 'audio/opus',
  'video/x-m4v': 'video/mp4',
  'video/matroska': 'video/x-matroska',
  'video/vnd.avi': 'video/x-msvideo',
};

const CANONICAL_EXT: Readonly<Record<string, string>> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
  'image/gif': 'gif',
  'image/tiff': 'tiff',
  'image/avif': 'avif',
  'video/mp4': 'mp4',
  'video/quicktime': 'mov',
  'video/webm': 'webm',
  'video/x-matroska': 'mkv',
  'video/x-msvideo': 'avi',
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/flac': 'flac',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
  'audio/aac': 'aac',
  'audio/opus': 'opus',
  'application/pdf': 'pdf',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
  'text/plain': 'txt',
  'text/markdown': 'md',
};

/** Formats file-type recognises that are really text; they are judged by the text rules instead. */
const TEXTUAL_MIMES = new Set(['application/xml', 'text/vtt', 'text/calendar', 'text/vcard']);

/** A text file wearing one of these names is almost certainly a mistake (or a disguised upload). */
const MEDIA_EXTENSIONS = new Set([
  'jpg', 'jpeg', 'png', 'gif', 'webp', 'tif', 'tiff', 'avif', 'heic',
  'mp4', 'mov', 'webm', 'mkv', 'avi',
  'mp3', 'wav', 'flac', 'ogg', 'm4a', 'aac', 'opus',
  'pdf', 'docx',
]);

const MARKDOWN_EXTENSIONS = new Set(['md', 'markdown']);

const SUPPORTED_SUMMARY = 'Trove supports images (JPEG, PNG, WebP, GIF, TIFF, AVIF), videos, audio, PDF, Word (.docx), plain text and Markdown.';

export function normaliseMime(mime: string): string {
  const lower = mime.toLowerCase().trim();
  return MIME_ALIASES[lower] ?? lower.split(';')[0]!.trim();
}

/** Decides what a file is from its bytes; the name only picks between text flavours and catches mismatches. */
export async function sniffFile(path: string, originalName: string): Promise<SniffResult> {
  const size = await stat(path).then(
    (s) => s.size,
    (err: unknown) => {
      throw fileSystemError(err, 'checking the file type');
    },
  );
  if (size === 0) {
    throw new TroveError('EMPTY_FILE', 'This file is empty (0 bytes). Check the original file and upload it again.');
  }

  const head = await readHead(path, TEXT_PROBE_BYTES);
  // A UTF-16LE BOM (FF FE) doubles as an MPEG audio sync word, so file-type calls such text "audio/mpeg".
  const detected = startsWithBom(head) && looksLikeText(head)
    ? undefined
    : await fileTypeFromFile(path).catch((err: unknown) => {
        throw fileSystemError(err, 'checking the file type');
      });
  if (detected && !TEXTUAL_MIMES.has(detected.mime)) {
    const mime = normaliseMime(detected.mime);
    const fileType = fileTypeOfMime(mime);
    if (!fileType) {
      throw new TroveError(
        'UNSUPPORTED_FILE_TYPE',
        `This file is a ${detected.ext.toUpperCase()} file (${detected.mime}), which Trove can't index. ${SUPPORTED_SUMMARY}`,
        { detectedMime: detected.mime },
      );
    }
    return { mime, fileType, ext: CANONICAL_EXT[mime] ?? detected.ext };
  }

  const nameExt = extname(originalName).slice(1).toLowerCase();
  if (!looksLikeText(head)) {
    throw new TroveError('UNSUPPORTED_FILE_TYPE', `Trove couldn't recognise this file's format. ${SUPPORTED_SUMMARY}`, {
      detectedMime: detected?.mime,
    });
  }
  if (MEDIA_EXTENSIONS.has(nameExt)) {
    throw new TroveError(
      'TYPE_MISMATCH',
      `The file is named '.${nameExt}' but contains plain text. Check that you picked the right file, or rename it to .txt.`,
      { nameExt, detectedMime: 'text/plain' },
    );
  }
  const mime = MARKDOWN_EXTENSIONS.has(nameExt) ? 'text/markdown' : 'text/plain';
  return { mime, fileType: 'document', ext: CANONICAL_EXT[mime]! };
}

async function readHead(path: string, maxBytes: number): Promise<Uint8Array> {
  try {
    const handle = await open(path, 'r');
    try {
      const buffer = new Uint8Array(maxBytes);
      const { bytesRead } = await handle.read(buffer, 0, maxBytes, 0);
      return buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fileSystemError(err, 'checking the file type');
  }
}

function startsWithBom(head: Uint8Array): boolean {
  return (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) || (head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff);
}

/**
 * Text means: decodes as UTF-8 (or UTF-16 with a BOM), no NULs, and control characters are rare.
 * The probe may end mid-character, so decoding runs in streaming mode, which tolerates a cut tail.
 */
export function looksLikeText(head: Uint8Array): boolean {
  let encoding = 'utf-8';
  let start = 0;
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  else if (head[0] === 0xff && head[1] === 0xfe) [encoding, start] = ['utf-16le', 2];
  else if (head[0] === 0xfe && head[1] === 0xff) [encoding, start] = ['utf-16be', 2];

  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(head.subarray(start), { stream: true });
  } catch {
    return false;
  }
  let controls = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0) return false;
    const allowed = c === 0x09 || c === 0x0a || c === 0x0c || c === 0x0d || c === 0x1b; // tab, newlines, form feed, ANSI escape
    if ((c < 0x20 && !allowed) || (c >= 0x7f && c < 0xa0)) controls++;
  }
  return controls <= text.length / 100;
}
