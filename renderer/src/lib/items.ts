import type { CloudStatus, SearchMoment, SearchReason, SearchResult, Upload } from '../../../shared/api/schemas.ts';
import type { FileType, ProcessingStatus } from '../../../shared/file-types.ts';

/** One file as the grid shows it, from a search result or from the uploads list. */
export interface GridItem {
  id: string;
  filename: string;
  fileType: FileType;
  mimeType: string;
  summary: string | null;
  thumbnailUrl: string | null;
  createdAt: string;
  /** Relevance (search results only). */
  score: number | null;
  status: ProcessingStatus;
  /** Where it stands with the cloud AI model (uploads list only; search results do not say). */
  cloudStatus: CloudStatus | null;
  /** Uploaded with "Keep on this device" (uploads list only). */
  keepLocal: boolean;
  /** Why a search found it, and when its content was made (search results only). */
  reason?: SearchReason | undefined;
  contentDate?: string | undefined;
  /** Where inside the recording or document the search matched (search results only). */
  moment?: SearchMoment | undefined;
}

export function fromSearchResult(r: SearchResult, absolute: (u: string) => string): GridItem {
  return {
    id: r.upload_id, filename: r.filename, fileType: r.file_type, mimeType: r.mime_type, summary: r.summary,
    thumbnailUrl: r.thumbnail_url ? absolute(r.thumbnail_url) : null, createdAt: r.created_at, score: r.similarity_score, status: 'completed',
    cloudStatus: r.cloud_status, keepLocal: r.keep_local, reason: r.reason, contentDate: r.content_date,
    ...(r.moment ? { moment: r.moment } : {}),
  };
}

export function fromUpload(u: Upload, absolute: (u: string) => string): GridItem {
  return {
    id: u.id, filename: u.filename, fileType: u.file_type, mimeType: u.mime_type, summary: u.summary,
    thumbnailUrl: u.thumbnail_url ? absolute(u.thumbnail_url) : null, createdAt: u.created_at, score: null, status: u.processing_status,
    cloudStatus: u.cloud_status, keepLocal: u.keep_local,
  };
}

export const TYPE_LABELS: Record<FileType, { one: string; many: string }> = {
  image: { one: 'Image', many: 'Images' },
  video: { one: 'Video', many: 'Videos' },
  audio: { one: 'Audio', many: 'Audio' },
  document: { one: 'Document', many: 'Documents' },
};

export { formatBytes } from '../../../shared/format.ts';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDate(iso: string, withTime = false): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return (withTime ? dateTimeFormat : dateFormat).format(d);
}

/** "saving previews" → "Saving previews". */
export function formatStage(stage: string | null | undefined): string {
  if (!stage) return '';
  return stage.charAt(0).toUpperCase() + stage.slice(1);
}

/** Signed links are server-relative; the desktop app's page lives elsewhere, so make them absolute. */
export function withAbsoluteLinks<T extends { thumbnail_url: string | null; preview_url: string | null }>(u: T, absolute: (u: string) => string): T {
  return { ...u, thumbnail_url: u.thumbnail_url && absolute(u.thumbnail_url), preview_url: u.preview_url && absolute(u.preview_url) };
}

const EXTENSION_TYPES: Record<string, FileType> = {
  jpg: 'image', jpeg: 'image', png: 'image', webp: 'image', gif: 'image', tif: 'image', tiff: 'image', avif: 'image', heic: 'image',
  mp4: 'video', mov: 'video', webm: 'video', mkv: 'video', avi: 'video', m4v: 'video',
  mp3: 'audio', wav: 'audio', flac: 'audio', ogg: 'audio', oga: 'audio', m4a: 'audio', aac: 'audio', opus: 'audio',
  pdf: 'document', docx: 'document', txt: 'document', md: 'document', markdown: 'document',
};

/** A guess from the name, for icons before the server has decided from the bytes. */
export function guessTypeFromName(name: string): FileType {
  const ext = name.slice(name.lastIndexOf('.') + 1).toLowerCase();
  return EXTENSION_TYPES[ext] ?? 'document';
}
