import type { FileType } from '../file-types.ts';

/**
 * File formats a search can ask for by name ("pdf", "mp3"), each with its type and the MIME types
 * Trove files it under (the sniffed type, see SUPPORTED_MIME_TYPES). A format narrows only its own
 * type: "photos pdf" is every photo and every PDF.
 */
export const FORMATS = {
  pdf: { type: 'document', mimes: ['application/pdf'] },
  docx: { type: 'document', mimes: ['application/vnd.openxmlformats-officedocument.wordprocessingml.document'] },
  txt: { type: 'document', mimes: ['text/plain'] },
  markdown: { type: 'document', mimes: ['text/markdown'] },
  jpeg: { type: 'image', mimes: ['image/jpeg'] },
  png: { type: 'image', mimes: ['image/png'] },
  webp: { type: 'image', mimes: ['image/webp'] },
  gif: { type: 'image', mimes: ['image/gif'] },
  tiff: { type: 'image', mimes: ['image/tiff'] },
  avif: { type: 'image', mimes: ['image/avif'] },
  mp4: { type: 'video', mimes: ['video/mp4'] },
  mov: { type: 'video', mimes: ['video/quicktime'] },
  webm: { type: 'video', mimes: ['video/webm'] },
  mkv: { type: 'video', mimes: ['video/x-matroska'] },
  avi: { type: 'video', mimes: ['video/x-msvideo'] },
  mp3: { type: 'audio', mimes: ['audio/mpeg'] },
  wav: { type: 'audio', mimes: ['audio/wav'] },
  flac: { type: 'audio', mimes: ['audio/flac'] },
  ogg: { type: 'audio', mimes: ['audio/ogg', 'audio/opus'] },
  m4a: { type: 'audio', mimes: ['audio/mp4'] },
  aac: { type: 'audio', mimes: ['audio/aac'] },
  opus: { type: 'audio', mimes: ['audio/opus'] },
} as const satisfies Record<string, { type: FileType; mimes: readonly string[] }>;

export type FormatName = keyof typeof FORMATS;
export const FORMAT_NAMES = Object.keys(FORMATS) as FormatName[];

/** The words people type for each format, singular and plural, with or without the dot. */
export const FORMAT_WORDS: Readonly<Record<string, FormatName>> = {
  pdf: 'pdf', pdfs: 'pdf',
  docx: 'docx', docxs: 'docx',
  txt: 'txt',
  md: 'markdown', markdown: 'markdown',
  jpg: 'jpeg', jpgs: 'jpeg', jpeg: 'jpeg', jpegs: 'jpeg',
  png: 'png', pngs: 'png',
  webp: 'webp',
  gif: 'gif', gifs: 'gif',
  tif: 'tiff', tiff: 'tiff', tiffs: 'tiff',
  avif: 'avif',
  mp4: 'mp4', mp4s: 'mp4', m4v: 'mp4',
  mov: 'mov', movs: 'mov',
  webm: 'webm',
  mkv: 'mkv',
  avi: 'avi', avis: 'avi',
  mp3: 'mp3', mp3s: 'mp3',
  wav: 'wav', wavs: 'wav',
  flac: 'flac',
  ogg: 'ogg', oga: 'ogg',
  m4a: 'm4a',
  aac: 'aac',
  opus: 'opus',
};

export const isFormatName = (s: string): s is FormatName => Object.hasOwn(FORMATS, s);

/** The MIME types of these formats (for a filter on the sniffed type). */
export function mimeTypesOf(formats: readonly FormatName[]): string[] {
  return [...new Set(formats.flatMap((f) => FORMATS[f].mimes))];
}
