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
