/** The four kinds of file Trove understands; every upload is exactly one of them. */
export const FILE_TYPES = ['image', 'video', 'audio', 'document'] as const;
export type FileType = (typeof FILE_TYPES)[number];

export const PROCESSING_STATUSES = ['pending', 'processing', 'completed', 'failed'] as const;
export type ProcessingStatus = (typeof PROCESSING_STATUSES)[number];

/**
 * MIME types accepted at upload, keyed by the type they are filed under.
 * The MIME type is always the one sniffed from the bytes, never the client's claim.
 */
export const SUPPORTED_MIME_TYPES: Readonly<Record<string, FileType>> = {
  'image/jpeg': 'image',
  'image/png': 'image',
  'image/webp': 'image',
  'image/gif': 'image',
  'image/tiff': 'image',
  'image/avif': 'image',
  'video/mp4': 'video',
  'video/quicktime': 'video',
  'video/webm': 'video',
  'video/x-matroska': 'video',
  'video/x-msvideo': 'video',
  'audio/mpeg': 'audio',
  'audio/wav': 'audio',
  'audio/flac': 'audio',
  'audio/ogg': 'audio',
  'audio/mp4': 'audio',
  'audio/aac': 'audio',
  'audio/opus': 'audio',
  'application/pdf': 'document',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'document',
  'text/plain': 'document',
  'text/markdown': 'document',
};

export function fileTypeOfMime(mime: string): FileType | undefined {
  return SUPPORTED_MIME_TYPES[mime];
}

/**
 * File name extensions of the supported formats, by type: what the desktop app offers in its file
 * picker, picks up from watched folders and registers for "Open with". The server still decides
 * the type from the bytes; a name is only a hint.
 */
export const SUPPORTED_EXTENSIONS: Readonly<Record<FileType, readonly string[]>> = {
  image: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'tif', 'tiff', 'avif'],
  video: ['mp4', 'm4v', 'mov', 'webm', 'mkv', 'avi'],
  audio: ['mp3', 'wav', 'flac', 'ogg', 'oga', 'm4a', 'aac', 'opus'],
  document: ['pdf', 'docx', 'txt', 'md', 'markdown'],
};
