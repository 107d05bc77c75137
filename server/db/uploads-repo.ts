import { sql, type Kysely, type RawBuilder, type Selectable } from 'kysely';
import type { AnalyzerName, CloudStatus } from '../../shared/api/schemas.ts';
import type { FileType, ProcessingStatus } from '../../shared/file-types.ts';
import { contentFacts } from './content-facts.ts';
import type { DB, UploadsTable } from './schema.ts';

export type UploadRow = Selectable<UploadsTable>;

/** Columns every read needs; the embedding and the full text are left behind (large, and only search needs them). */
export const listColumns = [
  'id', 'user_id', 'storage_uri', 'original_filename', 'file_type', 'file_size', 'mime_type', 'file_hash',
  'processing_status', 'processing_started_at', 'processing_completed_at', 'processing_error',
  'processing_error_code', 'retry_count', 'summary', 'tags', 'token_count', 'embedding_model', 'analysis_model',
  'analyzer', 'cloud_status', 'cloud_reason', 'cost_usd', 'keep_local', 'user_tags', 'note',
  'metadata', 'user_metadata', 'thumbnail_uri', 'preview_uri', 'current_job_id', 'created_at', 'updated_at',
  'deleted_at', 'purge_after', 'folder',
] as const;
export type UploadRecord = Pick<UploadRow, (typeof listColumns)[number]>;

export function findLiveByHash(db: Kysely<DB>, userId: string, hash: string): Promise<UploadRecord | undefined> {
  return db.selectFrom('uploads').select(listColumns)
    .where('user_id', '=', userId).where('file_hash', '=', hash).where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export function getUpload(db: Kysely<DB>, userId: string, id: string): Promise<UploadRecord | undefined> {
  return db.selectFrom('uploads').select(listColumns)
    .where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null)
    .executeTakeFirst();
}

export function getExtractedText(db: Kysely<DB>, userId: string, id: string): Promise<string | null> {
  return db.selectFrom('uploads').select('extracted_text')
    .where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null)
    .executeTakeFirst().then((r) => r?.extracted_text ?? null);
}

export interface ListFilter {
  limit: number;
  offset: number;
  fileType?: FileType | undefined;
  status?: ProcessingStatus | undefined;
  /** In this collection or one of its sub-collections. */
  collectionId?: string | undefined;
  /** In this folder or one below it. */
  folder?: string | undefined;
  /** Carrying this tag of the user's own. */
  tag?: string | undefined;
}

export async function listUploads(db: Kysely<DB>, userId: string, f: ListFilter): Promise<{ rows: UploadRecord[]; total: number }> {
  let q = db.selectFrom('uploads').where('user_id', '=', userId).where('deleted_at', 'is', null);
  if (f.fileType) q = q.where('file_type', '=', f.fileType);
  if (f.status) q = q.where('processing_status', '=', f.status);
  if (f.collectionId) q = q.where('id', 'in', inCollection(db, f.collectionId));
  if (f.folder) q = q.where(inFolder(f.folder));
  if (f.tag) q = q.where(sql<boolean>`user_tags @> ARRAY[${f.tag}]::text[]`);
  const [rows, count] = await Promise.all([
    q.select(listColumns).orderBy('created_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** The uploads of a collection and of its sub-collections (one level). */
export const inCollection = (db: Kysely<DB>, collectionId: string) => db.selectFrom('collection_items').select('upload_id')
  .where((eb) => eb.or([
    eb('collection_id', '=', collectionId),
    eb('collection_id', 'in', eb.selectFrom('collections').select('id').where('parent_id', '=', collectionId)),
  ]));

/** A folder and everything below it (`Holidays` holds `Holidays/2023`). */
export const inFolder = (folder: string) =>
  sql<boolean>`(folder = ${folder} OR folder LIKE ${`${folder.replace(/[\\%_]/g, (c) => `\\${c}`)}/%`})`;

export function softDelete(db: Kysely<DB>, userId: string, id: string, purgeAfter: Date): Promise<UploadRecord | undefined> {
  return db.updateTable('uploads')
    .set({ deleted_at: new Date(), purge_after: purgeAfter, updated_at: new Date() })
    .where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is', null)
    .returning(listColumns).executeTakeFirst();
}

/** Soft-deleted uploads whose retention has run out, oldest first. */
export function duePurges(db: Kysely<DB>, now: Date, limit: number) {
  return db.selectFrom('uploads').select(['id', 'user_id'])
    .where('deleted_at', 'is not', null).where('purge_after', '<=', now)
    .orderBy('purge_after').limit(limit).execute();
}

export function uploadExists(db: Kysely<DB>, id: string): Promise<boolean> {
  return db.selectFrom('uploads').select('id').where('id', '=', id).executeTakeFirst().then(Boolean);
}

export interface CompletedAnalysis {
  summary: string;
  tags: string[];
  extractedText: string;
  tokenCount: number;
  embedding: number[];
  embeddingModel: string;
  analysisModel: string;
  metadata: Record<string, unknown>;
  thumbnailUri: string | null;
  previewUri: string | null;
  analyzer: AnalyzerName;
  cloudStatus: CloudStatus;
  cloudReason: string | null;
  costUsd: number;
}

/**
 * The full-text document, weighted so a hit in the file name outranks one in the summary or tags,
 * which outranks one deep in the text. The name is split into words first (`Invoice_March-2024.pdf`
 * would otherwise be one token).
 */
function searchVector(a: Pick<CompletedAnalysis, 'summary' | 'tags' | 'extractedText'>) {
  return sql<string>`
    setweight(to_tsvector('english', ${nameWords(sql.ref('original_filename'))}), 'A') ||
    setweight(to_tsvector('english', ${a.summary}), 'B') ||
    setweight(to_tsvector('english', ${a.tags.join(' ')}), 'B') ||
    setweight(to_tsvector('english', ${a.extractedText.slice(0, 200_000)}), 'C') ||
    ${userWordsVector}`;
}

/** The user's own tags and note, weighted like the summary (annotations-repo rebuilds the document when they change). */
export const userWordsVector = sql<string>`setweight(to_tsvector('english', array_to_string(user_tags, ' ') || ' ' || COALESCE(note, '')), 'B')`;

/** A file name as the words it is made of (`Invoice_March-2024.pdf` → `Invoice March 2024 pdf`), for full text. */
export const nameWords = (column: RawBuilder<unknown>) =>
  sql<string>`regexp_replace(regexp_replace(${column}, '([a-z])([A-Z])', '\\1 \\2', 'g'), '[^[:alnum:]]+', ' ', 'g')`;

export const toVectorLiteral = (v: number[]): string => `[${v.join(',')}]`;

/** When the content was made (else when it was added) and the camera, read from the metadata being written. */
function contentColumns(metadata: Record<string, unknown>) {
  const facts = contentFacts(metadata);
  return { content_date: sql<Date>`COALESCE(${facts.contentDate?.toISOString() ?? null}::timestamptz, created_at)`, camera: facts.camera };
}

/**
 * Writes the result of processing, only if this job still owns the upload and it was not deleted
 * meanwhile: a late or duplicate attempt can never complete an upload a second time.
 */
export async function completeUpload(db: Kysely<DB>, uploadId: string, jobId: string, a: CompletedAnalysis): Promise<boolean> {
  const res = await db.updateTable('uploads')
    .set({
      processing_status: 'completed',
      processing_completed_at: new Date(),
      processing_error: null,
      processing_error_code: null,
      summary: a.summary,
      tags: a.tags,
      extracted_text: a.extractedText,
      token_count: a.tokenCount,
      embedding: toVectorLiteral(a.embedding),
      embedding_model: a.embeddingModel,
      analysis_model: a.analysisModel,
      metadata: JSON.stringify(a.metadata),
      thumbnail_uri: a.thumbnailUri,
      preview_uri: a.previewUri,
      updated_at: new Date(),
      ...contentColumns(a.metadata),
    })
    .set((eb) => ({ ...describedBy(a), cost_usd: eb('cost_usd', '+', a.costUsd), search_tsv: searchVector(a) }))
    .where('id', '=', uploadId).where('current_job_id', '=', jobId)
    .where('processing_status', '=', 'processing').where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

const describedBy = (a: Pick<CompletedAnalysis, 'analyzer' | 'cloudStatus' | 'cloudReason'>) =>
  ({ analyzer: a.analyzer, cloud_status: a.cloudStatus, cloud_reason: a.cloudReason });

const claimColumns = ['id', 'user_id', 'file_type', 'file_size', 'mime_type', 'original_filename', 'storage_uri', 'metadata'] as const;
export type ClaimedUpload = Pick<UploadRow, (typeof claimColumns)[number]>;

/** Marks the upload `processing` for this job, if the job still owns it and it is neither deleted nor finished. */
export function claimForProcessing(db: Kysely<DB>, uploadId: string, jobId: string, retryCount: number): Promise<ClaimedUpload | undefined> {
  return db.updateTable('uploads')
    .set({ processing_status: 'processing', processing_started_at: new Date(), updated_at: new Date(), retry_count: retryCount })
    .where('id', '=', uploadId).where('current_job_id', '=', jobId).where('deleted_at', 'is', null)
    .where('processing_status', 'in', ['pending', 'processing'])
    .returning(claimColumns).executeTakeFirst();
}

export async function markPending(db: Kysely<DB>, uploadId: string, jobId: string, err: { code: string; message: string } | undefined): Promise<void> {
  await db.updateTable('uploads')
    .set({ processing_status: 'pending', processing_error: err?.message ?? null, processing_error_code: err?.code ?? null, updated_at: new Date() })
    .where('id', '=', uploadId).where('current_job_id', '=', jobId).where('deleted_at', 'is', null).execute();
}

export async function markFailed(db: Kysely<DB>, uploadId: string, jobId: string, err: { code: string; message: string }): Promise<void> {
  await db.updateTable('uploads')
    .set({ processing_status: 'failed', processing_error: err.message, processing_error_code: err.code, processing_completed_at: new Date(), updated_at: new Date() })
    .where('id', '=', uploadId).where('current_job_id', '=', jobId).execute();
}

/** Asked right before a file's content would leave the machine. */
export function isKeptLocal(db: Kysely<DB>, uploadId: string): Promise<boolean> {
  return db.selectFrom('uploads').select('keep_local').where('id', '=', uploadId).executeTakeFirst().then((r) => r?.keep_local ?? false);
}

/** The user's own metadata, and the "keep on this device" flag it may carry. */
export async function setUserMetadata(db: Kysely<DB>, uploadId: string, metadata: Record<string, unknown>, keepLocal: boolean): Promise<void> {
  await db.updateTable('uploads').set({ user_metadata: JSON.stringify(metadata), keep_local: keepLocal }).where('id', '=', uploadId).execute();
}

/** A waiting file, if this re-analysis job still owns it and it is still waiting, completed and live. */
export function claimForReanalysis(db: Kysely<DB>, uploadId: string, jobId: string): Promise<ClaimedUpload | undefined> {
  return db.selectFrom('uploads').select(claimColumns)
    .where('id', '=', uploadId).where('current_job_id', '=', jobId).where('cloud_status', '=', 'awaiting_budget')
    .where('processing_status', '=', 'completed').where('deleted_at', 'is', null)
    .executeTakeFirst();
}

/** Replaces an offline description with the new one, only while the file is still waiting and owned by this job. */
export async function completeReanalysis(db: Kysely<DB>, uploadId: string, jobId: string, a: Omit<CompletedAnalysis, 'thumbnailUri' | 'previewUri'>): Promise<boolean> {
  const res = await db.updateTable('uploads')
    .set({
      summary: a.summary, tags: a.tags, extracted_text: a.extractedText, token_count: a.tokenCount,
      embedding: toVectorLiteral(a.embedding), embedding_model: a.embeddingModel, analysis_model: a.analysisModel,
      metadata: JSON.stringify(a.metadata), updated_at: new Date(), ...contentColumns(a.metadata),
    })
    .set((eb) => ({ ...describedBy(a), cost_usd: eb('cost_usd', '+', a.costUsd), search_tsv: searchVector(a) }))
    .where('id', '=', uploadId).where('current_job_id', '=', jobId).where('cloud_status', '=', 'awaiting_budget')
    .where('processing_status', '=', 'completed').where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/**
 * Files waiting for budget that have no re-analysis queued or running, oldest first; each gets a
 * new job row and points at it (the caller enqueues the queue entry in the same transaction). A job
 * that has not moved since `staleBefore` belonged to a process that is gone.
 */
export async function waitingForBudget(db: Kysely<DB>, userId: string, limit: number, staleBefore: Date): Promise<{ id: string }[]> {
  return db.selectFrom('uploads').select('uploads.id')
    .leftJoin('processing_jobs', 'processing_jobs.id', 'uploads.current_job_id')
    .where('uploads.user_id', '=', userId).where('uploads.cloud_status', '=', 'awaiting_budget')
    .where('uploads.processing_status', '=', 'completed').where('uploads.deleted_at', 'is', null)
    .where((eb) => eb.or([
      eb('processing_jobs.state', 'is', null), eb('processing_jobs.state', 'not in', ['queued', 'processing']),
      eb('processing_jobs.updated_at', '<', staleBefore),
    ]))
    .orderBy('uploads.created_at').limit(limit).execute();
}

export async function pointAtJob(db: Kysely<DB>, uploadId: string, jobId: string): Promise<void> {
  await db.updateTable('uploads').set({ current_job_id: jobId }).where('id', '=', uploadId).execute();
}

/** Users who have files waiting for budget. */
export async function usersWaitingForBudget(db: Kysely<DB>): Promise<string[]> {
  const rows = await db.selectFrom('uploads').select('user_id').distinct()
    .where('cloud_status', '=', 'awaiting_budget').where('deleted_at', 'is', null).execute();
  return rows.map((r) => r.user_id);
}

export interface NewUpload {
  id: string;
  userId: string;
  storageUri: string;
  filename: string;
  fileType: FileType;
  size: number;
  mimeType: string;
  hash: string;
  userMetadata: Record<string, unknown>;
  jobId: string;
  /** The cleaned folder inside the archive the file came from; absent for a file sent on its own. */
  folder?: string | null;
}

/** Inserts the row; false when the same user's same bytes won a race a moment ago (one live copy per user). */
export async function insertUpload(db: Kysely<DB>, u: NewUpload): Promise<boolean> {
  const row = await db.insertInto('uploads').values({
    id: u.id, user_id: u.userId, storage_uri: u.storageUri, original_filename: u.filename, file_type: u.fileType,
    file_size: u.size, mime_type: u.mimeType, file_hash: u.hash, metadata: '{}',
    user_metadata: JSON.stringify(u.userMetadata), keep_local: u.userMetadata.keep_local === true, current_job_id: u.jobId,
    folder: u.folder ?? null,
  }).onConflict((oc) => oc.columns(['user_id', 'file_hash']).where('deleted_at', 'is', null).doNothing())
    .returning('id').executeTakeFirst();
  return row !== undefined;
}

/** A failed upload points at its new job and waits again; false if it is no longer failed. */
export async function resetForRetry(db: Kysely<DB>, uploadId: string, jobId: string): Promise<boolean> {
  const res = await db.updateTable('uploads')
    .set({ current_job_id: jobId, processing_status: 'pending', processing_error: null, processing_error_code: null, retry_count: 0, updated_at: new Date() })
    .where('id', '=', uploadId).where('processing_status', '=', 'failed').executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** This user's live uploads among `ids` (any others are simply absent). */
export function getOwnUploads(db: Kysely<DB>, userId: string, ids: string[]): Promise<UploadRecord[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('uploads').select(listColumns)
    .where('user_id', '=', userId).where('id', 'in', ids).where('deleted_at', 'is', null).execute();
}
