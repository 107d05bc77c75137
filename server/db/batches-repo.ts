import type { Kysely, Selectable, UpdateQueryBuilder, UpdateResult } from 'kysely';
import type { ProcessingStatus } from '../../shared/file-types.ts';
import type { BatchEntryState, BatchState, DB, UploadBatchEntriesTable } from './schema.ts';

export interface NewBatchEntry {
  position: number;
  path: string;
  filename: string;
  folder: string | null;
  size: number;
  state: BatchEntryState;
  reasonCode: string | null;
  reason: string | null;
}

export interface NewBatch {
  id: string;
  userId: string;
  archiveName: string;
  archiveSize: number;
  damage: { code: string; message: string } | null;
  entries: NewBatchEntry[];
}

const INSERT_CHUNK = 500;

/** The batch and all its entries, in one transaction (an archive is listed whole or not at all). */
export async function insertBatch(db: Kysely<DB>, b: NewBatch): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('upload_batches').values({
      id: b.id, user_id: b.userId, archive_name: b.archiveName, archive_size: b.archiveSize,
      error_code: b.damage?.code ?? null, error_message: b.damage?.message ?? null,
    }).execute();
    for (let i = 0; i < b.entries.length; i += INSERT_CHUNK) {
      await trx.insertInto('upload_batch_entries').values(b.entries.slice(i, i + INSERT_CHUNK).map((e) => ({
        batch_id: b.id, position: e.position, path: e.path, filename: e.filename, folder: e.folder, size: e.size,
        state: e.state, reason_code: e.reasonCode, reason: e.reason,
      }))).execute();
    }
  });
}

/** What became of one entry; also marks the batch as alive (see `interruptStale`). */
export async function settleEntry(db: Kysely<DB>, batchId: string, position: number, r: {
  state: BatchEntryState; uploadId: string | null; reasonCode: string | null; reason: string | null;
}): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.updateTable('upload_batch_entries')
      .set({ state: r.state, upload_id: r.uploadId, reason_code: r.reasonCode, reason: r.reason })
      .where('batch_id', '=', batchId).where('position', '=', position).execute();
    await trx.updateTable('upload_batches').set({ updated_at: new Date() }).where('id', '=', batchId).execute();
  });
}

export async function finishBatch(db: Kysely<DB>, batchId: string, state: BatchState): Promise<void> {
  await db.updateTable('upload_batches').set({ state, updated_at: new Date() }).where('id', '=', batchId).execute();
}

/** An entry row with the progress of the upload it became. */
export type BatchEntryRow = Omit<Selectable<UploadBatchEntriesTable>, 'batch_id'> & {
  processing_status: ProcessingStatus | null;
  processing_error_code: string | null;
  processing_error: string | null;
  progress: number | null;
};

/** One user's batch with its entries, each joined with its upload's progress; undefined for anyone else. */
export async function getBatch(db: Kysely<DB>, userId: string, batchId: string) {
  const batch = await db.selectFrom('upload_batches').selectAll()
    .where('id', '=', batchId).where('user_id', '=', userId).executeTakeFirst();
  if (!batch) return undefined;
  const entries = await db.selectFrom('upload_batch_entries as e')
    .leftJoin('uploads as u', (j) => j.onRef('u.id', '=', 'e.upload_id').on('u.deleted_at', 'is', null))
    .leftJoin('processing_jobs as j', 'j.id', 'u.current_job_id')
    .select([
      'e.position', 'e.path', 'e.filename', 'e.folder', 'e.size', 'e.state', 'e.reason_code', 'e.reason', 'e.upload_id',
      'u.processing_status', 'u.processing_error_code', 'u.processing_error', 'j.progress',
    ])
    .where('e.batch_id', '=', batchId).orderBy('e.position').execute();
  return { batch, entries: entries as BatchEntryRow[] };
}

/**
 * Batches whose reading stopped (the process ended) long enough ago: marked interrupted, their
 * unread entries failed, so the batch settles instead of showing "queued" for ever.
 */
export async function interruptStale(db: Kysely<DB>, olderThan: Date): Promise<number> {
  return interrupt(db, (q) => q.where('updated_at', '<', olderThan));
}

/** This batch stops here (the server is shutting down): its unread entries fail with the reason. */
export async function interruptBatch(db: Kysely<DB>, batchId: string): Promise<void> {
  await interrupt(db, (q) => q.where('id', '=', batchId));
}

type BatchUpdate = UpdateQueryBuilder<DB, 'upload_batches', 'upload_batches', UpdateResult>;

async function interrupt(db: Kysely<DB>, which: (q: BatchUpdate) => BatchUpdate): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const stopped = await which(trx.updateTable('upload_batches').set({ state: 'interrupted', updated_at: new Date() }).where('state', '=', 'extracting'))
      .returning('id').execute();
    if (stopped.length === 0) return 0;
    await trx.updateTable('upload_batch_entries')
      .set({ state: 'failed', reason_code: 'PROCESSING_INTERRUPTED', reason: 'The server stopped before this entry was read. Upload the archive again to add it.' })
      .where('batch_id', 'in', stopped.map((s) => s.id)).where('state', '=', 'queued').execute();
    return stopped.length;
  });
}
