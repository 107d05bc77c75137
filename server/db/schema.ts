import type { ColumnType, Generated, JSONColumnType } from 'kysely';
import type { AnalyzerName, CloudStatus } from '../../shared/api/schemas.ts';
import type { FileType, ProcessingStatus } from '../../shared/file-types.ts';

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

/** A row one user owns: its id and the owner (migrations/columns.ts OWNED_ROW). */
interface OwnedRow {
  id: string;
  user_id: string;
}

/** When the row was made and last changed (migrations/columns.ts CREATED_UPDATED). */
interface CreatedUpdated {
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface UsersTable {
  id: string;
  external_id: string;
  email: string | null;
  display_name: string | null;
  suspended: Generated<boolean>;
  created_at: Timestamp;
  /** USD; null = the deployment's default (TROVE_USER_DAILY_BUDGET_USD / _MONTHLY_). */
  daily_budget_usd: number | null;
  monthly_budget_usd: number | null;
  /** The detail view leaves out the analyzer's tags (the user's own stay). */
  hide_analyzer_tags: Generated<boolean>;
}

export interface UploadsTable {
  id: string;
  user_id: string;
  storage_uri: string;
  original_filename: string;
  file_type: FileType;
  file_size: ColumnType<number, number, number>;
  mime_type: string;
  file_hash: string;
  processing_status: Generated<ProcessingStatus>;
  processing_started_at: NullableTimestamp;
  processing_completed_at: NullableTimestamp;
  processing_error: string | null;
  processing_error_code: string | null;
  retry_count: Generated<number>;
  summary: string | null;
  tags: Generated<string[]>;
  extracted_text: string | null;
  token_count: number | null;
  /** pgvector text form; read back as a string. */
  embedding: string | null;
  embedding_model: string | null;
  analysis_model: string | null;
  analyzer: AnalyzerName | null;
  cloud_status: CloudStatus | null;
  cloud_reason: string | null;
  cost_usd: Generated<number>;
  keep_local: Generated<boolean>;
  /** When the content was made (EXIF, creation date, tagged date), else when it was added; see content-facts.ts. */
  content_date: Generated<Date>;
  /** "Canon EOS R5": the camera's make and model from the metadata. */
  camera: string | null;
  /** The cleaned folder the file had inside a ZIP (`Holidays/2023`); null for a file sent on its own. */
  folder: ColumnType<string | null, string | null | undefined, string | null>;
  /** The user's own tags (lower case, unique), kept apart from the analyzer's `tags`. */
  user_tags: Generated<string[]>;
  /** The user's own note on the file. */
  note: string | null;
  /** Full-text document; written with SQL expressions only. */
  search_tsv: ColumnType<string | null, never, string | null>;
  metadata: JSONColumnType<Record<string, unknown>, string, string>;
  user_metadata: JSONColumnType<Record<string, unknown>, string, string>;
  thumbnail_uri: string | null;
  preview_uri: string | null;
  current_job_id: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
  deleted_at: NullableTimestamp;
  purge_after: NullableTimestamp;
}

export type JobKind = 'process' | 'reembed' | 'reanalyze';
export type JobState = 'queued' | 'processing' | 'completed' | 'failed' | 'cancelled';

export interface ProcessingJobsTable {
  id: string;
  upload_id: string;
  user_id: string;
  kind: JobKind;
  state: Generated<JobState>;
  progress: Generated<number>;
  stage: string | null;
  attempts: Generated<number>;
  queue_job_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: Timestamp;
  started_at: NullableTimestamp;
  finished_at: NullableTimestamp;
  updated_at: Timestamp;
}

export interface SearchHistoryTable {
  id: string;
  user_id: string;
  query: string;
  filters: JSONColumnType<Record<string, unknown>, string, string>;
  result_count: number;
  latency_ms: number;
  created_at: Timestamp;
}

export type UsageKind = 'analysis' | 'embedding' | 'search';

export interface AiUsageTable {
  id: string;
  user_id: string;
  upload_id: string | null;
  kind: UsageKind;
  model: string;
  file_type: FileType | null;
  input_tokens: number;
  output_tokens: number;
  audio_input_tokens: Generated<number>;
  cost_usd: number;
  created_at: Timestamp;
}

export type BatchState = 'extracting' | 'done' | 'interrupted';
export type BatchEntryState = 'queued' | 'ingested' | 'duplicate' | 'skipped' | 'failed';

/** One accepted archive (migration 0006). */
export interface UploadBatchesTable extends OwnedRow, CreatedUpdated {
  archive_name: string;
  archive_size: ColumnType<number, number, number>;
  state: ColumnType<BatchState, BatchState | undefined, BatchState>;
  error_code: string | null;
  error_message: string | null;
}

/** One entry of an archive, in archive order. */
export interface UploadBatchEntriesTable {
  batch_id: string;
  position: number;
  path: string;
  filename: string;
  folder: string | null;
  size: ColumnType<number, number | undefined, number>;
  state: BatchEntryState;
  reason_code: string | null;
  reason: string | null;
  upload_id: string | null;
}

export interface CollectionsTable extends OwnedRow, CreatedUpdated {
  name: string;
  /** Set on a sub-collection; a parent never has a parent itself (one level). */
  parent_id: string | null;
}

export interface CollectionItemsTable {
  collection_id: string;
  upload_id: string;
  added_at: Timestamp;
}

/** An upload purged for good: kept so its owner's restore says so (see migration 0008). */
export interface PurgedUploadsTable {
  id: string;
  user_id: string;
  purged_at: Generated<Date>;
}

/** A share link (migration 0009): one upload or one collection, by the hash of its token. */
export interface SharesTable {
  id: string;
  user_id: string;
  token_hash: string;
  upload_id: string | null;
  collection_id: string | null;
  created_at: Timestamp;
  expires_at: Timestamp;
  revoked_at: NullableTimestamp;
}

export interface DB {
  shares: SharesTable;
  collections: CollectionsTable;
  collection_items: CollectionItemsTable;
  ai_usage: AiUsageTable;
  users: UsersTable;
  uploads: UploadsTable;
  purged_uploads: PurgedUploadsTable;
  processing_jobs: ProcessingJobsTable;
  search_history: SearchHistoryTable;
  upload_batches: UploadBatchesTable;
  upload_batch_entries: UploadBatchEntriesTable;
}
