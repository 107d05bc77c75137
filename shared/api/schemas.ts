/**
 * The HTTP contract of /api/v1. These TypeBox schemas are the single source: the server validates
 * requests and serialises responses with them, the OpenAPI document is generated from them, and
 * clients (CLI, renderer) take their types from them.
 */
import { Type, type Static } from 'typebox';
import { MAX_BATCH_IDS } from './batch.ts';
import { FILE_TYPES, PROCESSING_STATUSES } from '../file-types.ts';
import { FORMAT_NAMES } from '../search/formats.ts';
import type { BatchEvent } from './archives.ts';

export { API_PREFIX, TUS_PATH, TUS_RESULT_HEADERS } from './paths.ts';
export * from './organize.ts';
export * from './shares.ts';
export * from './archives.ts';
export const MAX_SEARCH_LIMIT = 100;
export const DEFAULT_SEARCH_LIMIT = 20;
export const MAX_QUERY_LENGTH = 1000;
/**
 * Default `min_score` of POST /search: cosine similarity under which a result that matched no word of
 * the query is dropped. Measured with USE-lite (test/api/similar.test.ts): files related to a query
 * that shares none of their words score 0.36–0.67, clearly unrelated ones 0.01–0.25, so 0.3 separates
 * them — but the model is weak enough that loosely related files (a shopping list for a recipe query)
 * also reach 0.55, and callers rely on a full page of ranked results, so the default only removes
 * what is essentially orthogonal to the query (< 0.05); ask for `min_score: 0.3` to be strict.
 * Without a `min_score`, the server's relevance cut-off (fitted on the eval's dev set) also shortens
 * the list; its weaker matches are counted in `more_below_cutoff`.
 */
export const DEFAULT_MIN_SCORE = 0.05;
/**
 * The calibrated boundary above which a file is clearly related to a query by meaning (see
 * DEFAULT_MIN_SCORE): a word match also this close says `reason.by: 'both'`.
 */
export const RELATED_MIN_SCORE = 0.3;
/** Hamming distance (of 64 bits) up to which two perceptual hashes count as the same picture. */
export const NEAR_DUPLICATE_MAX_DISTANCE = 6;

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
export const FileTypeSchema = Type.Enum(FILE_TYPES);
export const ProcessingStatusSchema = Type.Enum(PROCESSING_STATUSES);
export const JobStatusSchema = Type.Enum(['queued', 'processing', 'completed', 'failed', 'cancelled'] as const);

export const ProcessingErrorSchema = Type.Object({ code: Type.String(), message: Type.String() });

/** Who wrote a file's summary. */
export const ANALYZERS = ['gemini', 'openai-chat', 'offline'] as const;
export type AnalyzerName = (typeof ANALYZERS)[number];
/**
 * Where a file stands with the cloud model: `done` (it wrote the summary), `awaiting_budget` (the
 * owner's AI budget was spent; described offline, re-analysed when budget is available again),
 * `kept_local` (the upload asked to stay on this device; no cloud model saw it), `blocked` (the model
 * refused it; the reason is in `cloud_reason`), `failed` (the model could not be reached after every
 * retry; the offline description stands), `not_configured` (no cloud model in this deployment).
 */
export const CLOUD_STATUSES = ['done', 'awaiting_budget', 'kept_local', 'blocked', 'failed', 'not_configured'] as const;
export type CloudStatus = (typeof CLOUD_STATUSES)[number];

export const UploadSchema = Type.Object({
  id: Uuid,
  filename: Type.String(),
  file_type: FileTypeSchema,
  mime_type: Type.String(),
  file_size: Type.Integer(),
  file_hash: Type.String(),
  processing_status: ProcessingStatusSchema,
  processing_error: Type.Union([ProcessingErrorSchema, Type.Null()]),
  retry_count: Type.Integer(),
  summary: Type.Union([Type.String(), Type.Null()]),
  tags: Type.Array(Type.String()),
  metadata: Type.Record(Type.String(), Type.Unknown()),
  user_metadata: Type.Record(Type.String(), Type.Unknown()),
  token_count: Type.Union([Type.Integer(), Type.Null()]),
  embedding_model: Type.Union([Type.String(), Type.Null()]),
  analyzer: Type.Union([Type.Enum(ANALYZERS), Type.Null()], { description: 'Who wrote the summary; null until processed.' }),
  cloud_status: Type.Union([Type.Enum(CLOUD_STATUSES), Type.Null()], { description: 'The file and the cloud model; null until processed.' }),
  cloud_reason: Type.Union([Type.String(), Type.Null()], { description: 'Why the cloud model did not describe it (blocked, failed), for people.' }),
  cost_usd: Type.Number({ description: 'What the paid models cost for this file so far, in US dollars.' }),
  keep_local: Type.Boolean({ description: 'Kept away from every cloud model (metadata `keep_local: true` at upload).' }),
  user_tags: Type.Array(Type.String(), { description: "Your own tags (PATCH /upload/{id}), apart from the analyzer's `tags`." }),
  note: Type.Union([Type.String(), Type.Null()], { description: 'Your own note on the file.' }),
  folder: Type.Union([Type.String(), Type.Null()], { description: 'The folder the file had inside the ZIP it came in (`Holidays/2023`); null for a file sent on its own.' }),
  thumbnail_url: Type.Union([Type.String(), Type.Null()]),
  preview_url: Type.Union([Type.String(), Type.Null()]),
  job_id: Type.Union([Uuid, Type.Null()]),
  processing_started_at: Type.Union([DateTime, Type.Null()]),
  processing_completed_at: Type.Union([DateTime, Type.Null()]),
  created_at: DateTime,
  updated_at: DateTime,
});
export type Upload = Static<typeof UploadSchema>;

// POST /upload
export const UploadAcceptedSchema = Type.Object({
  job_id: Type.Union([Uuid, Type.Null()]),
  upload_id: Uuid,
  status: Type.Enum(['queued', ...PROCESSING_STATUSES] as const),
  duplicate: Type.Boolean(),
  estimated_time: Type.Integer({ description: 'Seconds until processing is expected to finish.' }),
});
export type UploadAccepted = Static<typeof UploadAcceptedSchema>;

// GET /upload/status/:job_id
export const JobIdParams = Type.Object({ job_id: Uuid });
export const JobStatusSchemaOut = Type.Object({
  job_id: Uuid,
  upload_id: Uuid,
  status: JobStatusSchema,
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
  stage: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  error: Type.Union([ProcessingErrorSchema, Type.Null()]),
  result: Type.Union([UploadSchema, Type.Null()]),
});
export type JobStatus = Static<typeof JobStatusSchemaOut>;

// GET /uploads
export const ListUploadsQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
  file_type: Type.Optional(FileTypeSchema),
  status: Type.Optional(ProcessingStatusSchema),
  collection_id: Type.Optional(Type.String({ format: 'uuid', description: 'Only files in this collection or its sub-collections.' })),
  folder: Type.Optional(Type.String({ minLength: 1, maxLength: 1024, description: 'Only files in this folder (`Holidays/2023`) or below it.' })),
  tag: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'Only files carrying this tag of yours.' })),
  deleted: Type.Optional(Type.Boolean({ description: 'true: the recently deleted files instead (newest delete first), each with deleted_at and purge_after; they can be restored until then.' })),
});
export type ListUploadsQuery = Static<typeof ListUploadsQuery>;
/** A listed upload; the recently deleted listing adds when it was deleted and when it goes for good. */
export const ListedUploadSchema = Type.Intersect([UploadSchema, Type.Object({
  deleted_at: Type.Optional(DateTime),
  purge_after: Type.Optional(DateTime),
})]);
export type ListedUpload = Static<typeof ListedUploadSchema>;
export const UploadListSchema = Type.Object({
  uploads: Type.Array(ListedUploadSchema),
  total: Type.Integer(),
  has_more: Type.Boolean(),
});
export type UploadList = Static<typeof UploadListSchema>;

// DELETE /upload/:upload_id, POST /upload/:upload_id/retry
export const UploadIdParams = Type.Object({ upload_id: Uuid });
export const DeleteUploadQuery = Type.Object({ purge: Type.Boolean({ default: false }) });
export const DeletedSchema = Type.Object({
  upload_id: Uuid,
  deleted: Type.Literal(true),
  purged: Type.Boolean(),
  purge_after: Type.Union([DateTime, Type.Null()]),
});
export type Deleted = Static<typeof DeletedSchema>;

// POST /upload/:upload_id/restore
export const RestoredSchema = Type.Object({
  upload_id: Uuid,
  restored: Type.Boolean({ description: 'false when the file was not deleted (nothing to do).' }),
  processing_status: ProcessingStatusSchema,
  job_id: Type.Union([Uuid, Type.Null()], { description: 'A new processing job when the file was deleted before it finished processing.' }),
});
export type Restored = Static<typeof RestoredSchema>;

// POST /uploads/batch
/**
 * The actions of POST /uploads/batch. Each is its own object schema in BatchActionBody (an action
 * that needs more fields — tags, a collection — adds its object there and its handler in
 * server/services/upload-batch.ts).
 */
export const BATCH_ACTIONS = ['delete', 'restore', 'retry', 'add_tags', 'remove_tags', 'add_to_collection', 'remove_from_collection'] as const;
export type BatchAction = (typeof BATCH_ACTIONS)[number];
export { MAX_BATCH_IDS };
const BatchIds = Type.Array(Uuid, { minItems: 1, description: `Your uploads' ids, at most ${MAX_BATCH_IDS} (more → BATCH_TOO_LARGE); repeats count once.` });
const BatchTags = Type.Array(Type.String({ minLength: 1, maxLength: 100 }), { minItems: 1, maxItems: 50, description: 'Your tags (normalised as in PATCH /upload/{id}).' });
export const BatchActionBody = Type.Union([
  Type.Object({ action: Type.Literal('delete'), ids: BatchIds }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('restore'), ids: BatchIds }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('retry'), ids: BatchIds }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('add_tags'), ids: BatchIds, tags: BatchTags }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('remove_tags'), ids: BatchIds, tags: BatchTags }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('add_to_collection'), ids: BatchIds, collection_id: Uuid }, { additionalProperties: false }),
  Type.Object({ action: Type.Literal('remove_from_collection'), ids: BatchIds, collection_id: Uuid }, { additionalProperties: false }),
]);
export type BatchActionBody = Static<typeof BatchActionBody>;
export const BatchItemResultSchema = Type.Object({
  id: Uuid,
  ok: Type.Boolean(),
  code: Type.Optional(Type.String({ description: 'Why this id failed (a stable error code); the others are unaffected.' })),
  message: Type.Optional(Type.String()),
});
export type BatchItemResult = Static<typeof BatchItemResultSchema>;
export const BatchResultSchema = Type.Object({
  action: Type.String(),
  results: Type.Array(BatchItemResultSchema, { description: 'One per distinct id, in the order asked.' }),
  succeeded: Type.Integer(),
  failed: Type.Integer(),
});
export type BatchResult = Static<typeof BatchResultSchema>;

// POST /search
/** How deep `offset` may page; the ranked list of a query with words is far shorter (see SearchResponse.total). */
export const MAX_SEARCH_OFFSET = 10_000;
/** `date` is the older name of `newest`. Dates are when the content was made (see SearchResult.content_date). */
export const SEARCH_SORTS = ['relevance', 'newest', 'oldest', 'name', 'size', 'date'] as const;
export type SearchSort = (typeof SEARCH_SORTS)[number];
/** The pair that marks matched words in a result's `reason.snippet` (never HTML: render as text). */
export const SNIPPET_MARKS = { start: '«', end: '»' } as const;

/**
 * Why a part of the query was not taken the way it reads: the query was clipped, dates contradict
 * each other, a filter is not available yet, a request field replaced what the words said…
 */
export const QUERY_NOTE_CODES = [
  'QUERY_CLIPPED', 'DATES_CONTRADICT', 'TYPES_COMBINED', 'ONLY_COMMON_WORDS', 'FILTER_NOT_AVAILABLE',
  'FILTER_OVERRIDDEN', 'TOO_MANY_EXCLUSIONS',
] as const;
export const QueryNoteSchema = Type.Object({
  code: Type.Enum(QUERY_NOTE_CODES),
  message: Type.String({ description: 'For people, naming the words concerned.' }),
});
export type QueryNote = Static<typeof QueryNoteSchema>;

/** Filters a query's words stand for (shared/search/query-parser.ts) or a request gave explicitly. */
export const QueryFiltersSchema = Type.Object({
  file_types: Type.Optional(Type.Array(FileTypeSchema, { description: '"photos", "videos", "voice memos"…: any of these types.' })),
  formats: Type.Optional(Type.Array(Type.Enum(FORMAT_NAMES), {
    description: '"pdf", "mp3"…: narrows its own type only ("photos pdf" is every photo and every PDF).',
  })),
  date_from: Type.Optional(DateTime),
  date_to: Type.Optional(Type.String({ format: 'date-time', description: 'Inclusive.' })),
  camera: Type.Optional(Type.String({ description: '"taken with the Canon": every word appears in the camera\'s make or model.' })),
  folder: Type.Optional(Type.String({ description: '"in Holidays", `folder:Holidays/2023`: files in this folder of yours or below it.' })),
  collection: Type.Optional(Type.String({ description: '"in Summer", `collection:"Trips/Rome"`: files in this collection of yours or its sub-collections.' })),
  tags: Type.Optional(Type.Array(Type.String(), { description: '`tag:beach`: files carrying every one of these tags of yours.' })),
  exclude: Type.Optional(Type.Array(Type.String(), { description: '"-draft": files containing any of these words or phrases are left out.' })),
});
export type QueryFilters = Static<typeof QueryFiltersSchema>;

export const InterpretedQuerySchema = Type.Object({
  text: Type.String({ description: 'What is matched by words and by meaning; empty when the query held only filters.' }),
  filters: QueryFiltersSchema,
  phrases: Type.Array(Type.String(), { description: 'Quoted phrases of the text, matched as phrases.' }),
  notes: Type.Array(QueryNoteSchema),
});
export type InterpretedQuery = Static<typeof InterpretedQuerySchema>;

export const SearchBodySchema = Type.Object(
  {
    query: Type.String({ minLength: 1, maxLength: MAX_QUERY_LENGTH }),
    file_types: Type.Optional(Type.Array(FileTypeSchema, { minItems: 1, uniqueItems: true })),
    limit: Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT }),
    offset: Type.Optional(Type.Integer({
      minimum: 0, maximum: MAX_SEARCH_OFFSET, description: 'Skip this many results of the ranked list (default 0); `next_offset` of an answer is the next page.',
    })),
    date_from: Type.Optional(DateTime),
    date_to: Type.Optional(DateTime),
    min_score: Type.Optional(Type.Number({
      minimum: 0, maximum: 1,
      description: `Leave out results whose meaning similarity is below this (0–1); exact-word matches are always kept. Default ${DEFAULT_MIN_SCORE}, `
        + 'with the calibrated relevance cut-off on top (see `more_below_cutoff`); a `min_score` given here replaces that cut-off.',
    })),
    include_weaker: Type.Optional(Type.Boolean({
      default: false,
      description: 'Also list the weaker matches the default relevance cut-off leaves out (counted in `more_below_cutoff`), ranked after the others.',
    })),
    sort: Type.Optional(Type.Enum(SEARCH_SORTS, {
      default: 'relevance',
      description: "The same matches by relevance (default), newest or oldest first (when the content was made), by name, or largest first; 'date' is 'newest'.",
    })),
    nsfw: Type.Optional(Type.Enum(['include', 'exclude', 'only'] as const, {
      default: 'include',
      description: "Pictures and videos the offline NSFW check flagged: 'include' (default), 'exclude' them, or 'only' them.",
    })),
    interpret: Type.Optional(Type.Boolean({
      default: true,
      description: 'Read dates, types, cameras, places, quoted phrases and -exclusions out of the query (default). false: every word is matched as it is.',
    })),
    time_zone: Type.Optional(Type.String({
      minLength: 1, maxLength: 64,
      description: 'The IANA time zone ("Europe/Berlin") in which "yesterday", "last week" and "March" begin and end; default UTC. An unknown zone is INVALID_TIME_ZONE.',
    })),
  },
  { additionalProperties: false },
);
export type SearchBody = Static<typeof SearchBodySchema>;

/** Why a result matched: which ranker found it, the matched words in context, the matched tags and objects. */
export const SearchReasonSchema = Type.Object({
  by: Type.Enum(['text', 'meaning', 'both', 'filters'] as const, {
    description: "'text': it contains the query's words; 'meaning': only similar in meaning; 'both'; 'filters': the query had no words, only filters.",
  }),
  snippet: Type.Optional(Type.String({ description: 'The text around the matched words, each marked «like this».' })),
  field: Type.Optional(Type.Enum(['name', 'summary', 'text', 'tags'] as const, { description: 'Where the words matched.' })),
  matched: Type.Optional(Type.Array(Type.String(), { description: 'Tags and detected objects that match the query\'s words.' })),
});
export type SearchReason = Static<typeof SearchReasonSchema>;

/**
 * Where inside the file the query matched: a stretch of a recording (seconds from its start) or a
 * page of a document, with the words there. The best-matching part: the one with the query's words,
 * else the one nearest in meaning.
 */
export const SearchMomentSchema = Type.Object({
  start_s: Type.Optional(Type.Number({ minimum: 0, description: 'Audio and video: where the segment starts, in seconds.' })),
  end_s: Type.Optional(Type.Number({ minimum: 0, description: 'Audio and video: where it ends.' })),
  page: Type.Optional(Type.Integer({ minimum: 1, description: 'Documents: the page (1-based).' })),
  text: Type.String({ description: 'The words of that part (for a transcript, what the speech engine heard), shortened around the match.' }),
});
export type SearchMoment = Static<typeof SearchMomentSchema>;

export const SearchResultSchema = Type.Object({
  upload_id: Uuid,
  filename: Type.String(),
  file_type: FileTypeSchema,
  mime_type: Type.String(),
  summary: Type.Union([Type.String(), Type.Null()]),
  similarity_score: Type.Number(),
  thumbnail_url: Type.Union([Type.String(), Type.Null()]),
  created_at: DateTime,
  content_date: Type.Optional(Type.String({
    format: 'date-time', description: 'When the content was made (EXIF date, document creation date, recording date), else when it was added.',
  })),
  file_size: Type.Optional(Type.Integer()),
  cloud_status: Type.Union([Type.Enum(CLOUD_STATUSES), Type.Null()], { description: 'The file and the cloud model (see Upload.cloud_status).' }),
  keep_local: Type.Boolean({ description: 'Kept away from every cloud model.' }),
  near_duplicate: Type.Optional(Type.Boolean({ description: 'Find similar only: looks like the same picture (resized or re-encoded).' })),
  reason: Type.Optional(SearchReasonSchema),
  moment: Type.Optional(SearchMomentSchema),
});
export type SearchResult = Static<typeof SearchResultSchema>;

const Counts = Type.Record(Type.String(), Type.Integer());
/** Counts over every match of the query (not only this page); months are `YYYY-MM`, years and months in UTC. */
export const SearchFacetsSchema = Type.Object({
  file_type: Counts,
  year: Counts,
  month: Counts,
  camera: Counts,
  folder: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'Matches by the folder they are directly in (its path).' })),
  collection: Type.Optional(Type.Record(Type.String(), Type.Integer(), { description: 'Matches by collection (its path, `Parent/Name`); a file may count in several.' })),
});
export type SearchFacets = Static<typeof SearchFacetsSchema>;

export const SearchResponseSchema = Type.Object({
  results: Type.Array(SearchResultSchema),
  search_id: Uuid,
  processing_time_ms: Type.Number(),
  // Always sent by this server; optional in the type because a client may talk to an older server.
  interpreted: Type.Optional(InterpretedQuerySchema),
  facets: Type.Optional(SearchFacetsSchema),
  total: Type.Optional(Type.Integer({ description: 'Results in the whole ranked list.' })),
  has_more: Type.Optional(Type.Boolean()),
  next_offset: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'The `offset` of the next page; null at the end.' })),
  more_below_cutoff: Type.Optional(Type.Integer({
    minimum: 0,
    description: 'Weaker matches the relevance cut-off left out of this list (not in `total`): ask again with `include_weaker: true` to list them after these. '
      + '0 when there are none, or when `include_weaker` or `min_score` was given.',
  })),
});
export type SearchResponse = Static<typeof SearchResponseSchema>;

// GET /search/similar/:upload_id
export const SimilarQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: MAX_SEARCH_LIMIT, default: DEFAULT_SEARCH_LIMIT }),
});
export const SimilarResponseSchema = Type.Object({
  results: Type.Array(SearchResultSchema),
  search_id: Type.Optional(Uuid),
  processing_time_ms: Type.Number(),
});
export type SimilarResponse = Static<typeof SimilarResponseSchema>;

// GET /search/history
export const SearchHistoryQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
  offset: Type.Integer({ minimum: 0, default: 0 }),
});
export const SearchHistoryEntrySchema = Type.Object({
  id: Uuid,
  query: Type.String(),
  result_count: Type.Integer(),
  latency_ms: Type.Number(),
  created_at: DateTime,
});
export const SearchHistorySchema = Type.Object({
  history: Type.Array(SearchHistoryEntrySchema),
  total: Type.Integer(),
});
export type SearchHistory = Static<typeof SearchHistorySchema>;

// DELETE /search/history/:id, DELETE /search/history
export const SearchHistoryIdParams = Type.Object({ id: Uuid });
export const SearchHistoryDeletedSchema = Type.Object({
  deleted: Type.Integer({
    description: 'Entries forgotten: for one id, that entry and every other of yours with the same query (a list of recent searches shows each query once).',
  }),
});
export type SearchHistoryDeleted = Static<typeof SearchHistoryDeletedSchema>;

// GET /search/suggestions
/** Where a suggestion comes from. Tags are the analyzer's (with the objects it is sure of) and the user's own; a folder or collection comes as its path. */
export const SUGGESTION_KINDS = ['tag', 'camera', 'folder', 'collection'] as const;
export type SuggestionKind = (typeof SUGGESTION_KINDS)[number];
export const MAX_SUGGESTIONS = 20;
export const SearchSuggestionsQuery = Type.Object({
  prefix: Type.String({ minLength: 1, maxLength: 100, description: 'What is typed so far; matches the start of any word of a tag, camera, folder or collection, ignoring case.' }),
  limit: Type.Integer({ minimum: 1, maximum: MAX_SUGGESTIONS, default: 8 }),
});
export const SearchSuggestionSchema = Type.Object({
  kind: Type.Enum(SUGGESTION_KINDS),
  value: Type.String(),
  count: Type.Integer({ description: 'How many of your files carry it; suggestions come most frequent first.' }),
});
export type SearchSuggestion = Static<typeof SearchSuggestionSchema>;
export const SearchSuggestionsSchema = Type.Object({ suggestions: Type.Array(SearchSuggestionSchema) });
export type SearchSuggestions = Static<typeof SearchSuggestionsSchema>;

// GET /file/:id/{thumbnail,preview,download,metadata}
export const FILE_VARIANTS = ['thumbnail', 'preview', 'download'] as const;
export type FileVariant = (typeof FILE_VARIANTS)[number];
export const FileVariantParams = Type.Object({
  id: Uuid,
  variant: Type.Enum(FILE_VARIANTS),
});

// GET /blob — where signed URLs point (authorised by the signature, not by the bearer token)
export const BlobQuery = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 1024 }),
  exp: Type.Integer(),
  sig: Type.String({ minLength: 1, maxLength: 128 }),
  name: Type.Optional(Type.String({ maxLength: 1024 })),
  disposition: Type.Optional(Type.Union([Type.Literal('inline'), Type.Literal('attachment')])),
});
export type BlobQuery = Static<typeof BlobQuery>;

// GET /health
// `starting`: the process listens but is still opening its database (503 until it answers `ok`).
export const HealthSchema = Type.Object({
  status: Type.Union([Type.Literal('ok'), Type.Literal('degraded'), Type.Literal('starting')]),
  database: Type.Union([Type.Literal('ok'), Type.Literal('unavailable'), Type.Literal('starting')]),
  version: Type.String(),
  uptime_s: Type.Number(),
  mode: Type.String(),
});
export type Health = Static<typeof HealthSchema>;

/** Events pushed on GET /events (Server-Sent Events, `event: upload`). */
export const UploadEventSchema = Type.Object({
  upload_id: Uuid,
  job_id: Type.Union([Uuid, Type.Null()]),
  status: ProcessingStatusSchema,
  progress: Type.Integer(),
  stage: Type.Union([Type.String(), Type.Null()]),
  error: Type.Union([ProcessingErrorSchema, Type.Null()]),
  deleted: Type.Optional(Type.Boolean()),
  /** A deleted file came back (POST /upload/{id}/restore or a batch restore): show it again. */
  restored: Type.Optional(Type.Boolean()),
});
export type UploadEvent = Static<typeof UploadEventSchema>;
/** Everything GET /events carries: `event: upload` (UploadEvent) and `event: batch` (BatchEvent, archives). */
export type LiveEvent = UploadEvent | BatchEvent;
export const isBatchEvent = (e: LiveEvent): e is BatchEvent => 'type' in e && e.type === 'batch';

// HEAD /uploads/by-hash/:sha256 — 200 when you already have a live upload with these bytes, else 404.
export const Sha256Params = Type.Object({ sha256: Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 of the file, hex.' }) });

/**
 * Resumable uploads (tus 1.0.0: creation, termination, expiration) at `/api/v1/tus`. The
 * `Upload-Metadata` carries `filename` and optionally `metadata` (a JSON object). When the last
 * PATCH completes, the file is ingested like a multipart upload and that response carries the
 * outcome in the `Trove-*` headers below; `GET /api/v1/tus/{id}/result` returns the same as an
 * UploadAccepted envelope afterwards (e.g. when the final response was lost).
 */
export const TusIdParams = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{32}$' }) });

/**
 * GET /auth/config (public): how this server's users sign in. `local` servers take the data folder's
 * token; `cloud` servers take Firebase ID tokens, and the page signs in against Firebase Auth with
 * these settings (the Web API key is public by design; `emulator_url` is the Auth emulator's origin,
 * e.g. `http://127.0.0.1:9099`, when the server trusts its unsigned tokens).
 */
export const AuthConfigSchema = Type.Object({
  mode: Type.Union([Type.Literal('local'), Type.Literal('cloud')]),
  firebase: Type.Union([
    Type.Object({
      project_id: Type.String(),
      api_key: Type.Union([Type.String(), Type.Null()]),
      emulator_url: Type.Union([Type.String(), Type.Null()]),
      /** Host of Firebase's sign-in helper pages (Google's popup), default `<project_id>.firebaseapp.com`. */
      auth_domain: Type.Optional(Type.String()),
      /** Whether users may sign in with Google (the project must enable the provider). */
      google: Type.Optional(Type.Boolean()),
      /**
       * The OAuth client of type "Desktop app" the desktop app signs in to Google with (system browser +
       * loopback redirect). Google documents such a client's secret as not confidential.
       */
      google_desktop_client: Type.Optional(Type.Union([
        Type.Object({ client_id: Type.String(), client_secret: Type.Union([Type.String(), Type.Null()]) }),
        Type.Null(),
      ])),
    }),
    Type.Null(),
  ]),
});
export type AuthConfig = Static<typeof AuthConfigSchema>;

// GET /usage?from&to — what paid AI models cost, for the signed-in user
export const UsageQuery = Type.Object({
  from: Type.Optional(Type.String({ format: 'date', description: 'First day (UTC), default: the first of this month.' })),
  to: Type.Optional(Type.String({ format: 'date', description: 'Last day (UTC, inclusive), default: today.' })),
});
export type UsageQuery = Static<typeof UsageQuery>;
const UsageTotals = {
  input_tokens: Type.Integer(),
  output_tokens: Type.Integer(),
  cost_usd: Type.Number(),
  calls: Type.Integer(),
};
export const UsageSchema = Type.Object({
  from: Type.String({ format: 'date' }),
  to: Type.String({ format: 'date' }),
  total: Type.Object(UsageTotals),
  by_day: Type.Array(Type.Object({ day: Type.String({ format: 'date' }), ...UsageTotals })),
  by_model: Type.Array(Type.Object({ model: Type.String(), ...UsageTotals })),
  by_file_type: Type.Array(Type.Object({ file_type: Type.Union([FileTypeSchema, Type.Literal('search')]), ...UsageTotals })),
  budget: Type.Object({
    daily_usd: Type.Union([Type.Number(), Type.Null()], { description: 'null = no daily cap' }),
    monthly_usd: Type.Union([Type.Number(), Type.Null()], { description: 'null = no monthly cap' }),
    spent_today_usd: Type.Number(),
    spent_this_month_usd: Type.Number(),
    awaiting_budget: Type.Integer({ description: 'Files described offline until budget is available again.' }),
  }),
  prices_read: Type.String({ description: 'When the price table was read from the providers\' lists.' }),
  paid_models: Type.Array(Type.String(), {
    description: 'The paid models this deployment calls (analysis, embeddings); empty when every file is analysed by Trove\'s own models.',
  }),
});
export type Usage = Static<typeof UsageSchema>;

// PUT /usage/budget — your own AI spending caps (null: the deployment's default)
export const BudgetBodySchema = Type.Object({
  daily_usd: Type.Union([Type.Number({ minimum: 0, maximum: 1_000_000 }), Type.Null()]),
  monthly_usd: Type.Union([Type.Number({ minimum: 0, maximum: 1_000_000 }), Type.Null()]),
}, { additionalProperties: false });
export type BudgetBody = Static<typeof BudgetBodySchema>;
