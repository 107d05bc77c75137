import type { ListedUpload, Upload } from '../../shared/api/schemas.ts';
import type { UploadRecord } from '../db/uploads-repo.ts';
import type { FileLinks } from '../services/file-links.ts';

/** The API's view of an upload row: no storage keys, signed links instead. */
export function presentUpload(u: UploadRecord, links: FileLinks): Upload {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  return {
    id: u.id,
    filename: u.original_filename,
    file_type: u.file_type,
    mime_type: u.mime_type,
    file_size: u.file_size,
    file_hash: u.file_hash.trim(),
    processing_status: u.processing_status,
    processing_error: u.processing_error ? { code: u.processing_error_code ?? 'PROCESSING_FAILED', message: u.processing_error } : null,
    retry_count: u.retry_count,
    summary: u.summary,
    tags: u.tags,
    metadata: u.metadata,
    user_metadata: u.user_metadata,
    token_count: u.token_count,
    embedding_model: u.embedding_model,
    analyzer: u.analyzer,
    cloud_status: u.cloud_status,
    cloud_reason: u.cloud_reason,
    cost_usd: Math.round(Number(u.cost_usd) * 1e6) / 1e6,
    keep_local: u.keep_local,
    user_tags: u.user_tags,
    note: u.note,
    folder: u.folder,
    thumbnail_url: u.thumbnail_uri ? links.thumbnail(u.thumbnail_uri) : null,
    preview_url: u.preview_uri ? links.preview(u.preview_uri) : null,
    job_id: u.current_job_id,
    processing_started_at: iso(u.processing_started_at),
    processing_completed_at: iso(u.processing_completed_at),
    created_at: u.created_at.toISOString(),
    updated_at: u.updated_at.toISOString(),
  };
}

/** A recently deleted upload: the usual view plus when it was deleted and when it goes for good. */
export function presentDeleted(u: UploadRecord, links: FileLinks): ListedUpload {
  return {
    ...presentUpload(u, links),
    ...(u.deleted_at ? { deleted_at: u.deleted_at.toISOString() } : {}),
    ...(u.purge_after ? { purge_after: u.purge_after.toISOString() } : {}),
  };
}
