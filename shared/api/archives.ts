/**
 * The HTTP contract of ZIP archives, in and out (re-exported by schemas.ts):
 * - `POST /upload` and tus take a `.zip` as one archive: the answer is a BatchAccepted, and
 *   `GET /batches/{id}` tells what became of each entry. Refusals (bombs, unreadable archives) are
 *   errors with their own codes and leave nothing behind.
 * - `GET /download?ids=a,b,c` streams a ZIP of the named files.
 */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const Reason = Type.Object({ code: Type.String(), message: Type.String() });

/** Where an entry stands: read and queued, being processed, done, the same bytes as a file you have, left out, or failed. */
export const BATCH_ENTRY_STATES = ['queued', 'processing', 'done', 'duplicate', 'skipped', 'failed'] as const;
export type BatchEntryStateName = (typeof BATCH_ENTRY_STATES)[number];
/** extracting: entries are still being read; done: every entry was read; interrupted: the server stopped part-way. */
export const BATCH_STATES = ['extracting', 'done', 'interrupted'] as const;

export const BatchTotalsSchema = Type.Object({
  entries: Type.Integer(),
  queued: Type.Integer(),
  processing: Type.Integer(),
  done: Type.Integer(),
  duplicate: Type.Integer(),
  skipped: Type.Integer(),
  failed: Type.Integer(),
});
export type BatchTotals = Static<typeof BatchTotalsSchema>;

export const BatchEntrySchema = Type.Object({
  position: Type.Integer({ description: 'Order in the archive, from 0.' }),
  path: Type.String({ description: 'The entry\'s name after cleaning (folder/name).' }),
  filename: Type.String(),
  folder: Type.Union([Type.String(), Type.Null()]),
  size: Type.Integer({ description: 'Bytes, as the archive declares them.' }),
  state: Type.Enum(BATCH_ENTRY_STATES),
  reason: Type.Union([Reason, Type.Null()], { description: 'Why it was skipped or failed (a stable code and words).' }),
  upload_id: Type.Union([Uuid, Type.Null()], { description: 'The upload it became (for a duplicate: the one you already had).' }),
  progress: Type.Integer({ minimum: 0, maximum: 100 }),
});
export type BatchEntry = Static<typeof BatchEntrySchema>;

const BatchHead = {
  batch_id: Uuid,
  archive_name: Type.String(),
  state: Type.Enum(BATCH_STATES),
  damage: Type.Union([Reason, Type.Null()], { description: 'Set when the archive was damaged part-way (ZIP_TRUNCATED): the entries before the damage were kept.' }),
  finished: Type.Boolean({ description: 'Every entry is read and settled (done, duplicate, skipped or failed).' }),
  totals: BatchTotalsSchema,
};

// POST /upload, tus: a .zip
export const BatchAcceptedSchema = Type.Object(BatchHead);
export type BatchAccepted = Static<typeof BatchAcceptedSchema>;

// GET /batches/:batch_id
export const BatchIdParams = Type.Object({ batch_id: Uuid });
export const BatchSchema = Type.Object({ ...BatchHead, created_at: Type.String({ format: 'date-time' }), entries: Type.Array(BatchEntrySchema) });
export type Batch = Static<typeof BatchSchema>;

/** `event: batch` on GET /events: one entry of an archive changed (or the batch did, with `entry: null`). */
export const BatchEventSchema = Type.Object({
  type: Type.Literal('batch'),
  batch_id: Uuid,
  state: Type.Enum(BATCH_STATES),
  entry: Type.Union([Type.Object({
    position: Type.Integer(), state: Type.Enum(BATCH_ENTRY_STATES), upload_id: Type.Union([Uuid, Type.Null()]), reason: Type.Union([Reason, Type.Null()]),
  }), Type.Null()]),
  totals: BatchTotalsSchema,
});
export type BatchEvent = Static<typeof BatchEventSchema>;

// GET /download?ids=a,b,c
export const DownloadQuery = Type.Object({
  ids: Type.String({ minLength: 1, maxLength: 100_000, description: 'Comma-separated upload ids.' }),
  name: Type.Optional(Type.String({ maxLength: 200, description: 'The ZIP\'s file name (default trove-<date>.zip).' })),
});
/** Response header of GET /download naming the ids left out (unknown, someone else\'s, or unreadable). */
export const DOWNLOAD_MISSING_HEADER = 'Trove-Missing-Ids';
/** The entry of a downloaded ZIP listing the files left out, when any were. */
export const DOWNLOAD_ERRORS_ENTRY = '_errors.txt';

/** Whether a name is one Trove takes as an archive to unpack (the bytes must be a ZIP too). */
export const isArchiveName = (name: string): boolean => /\.zip$/i.test(name);
