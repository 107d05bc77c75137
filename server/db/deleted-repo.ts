/** Recently deleted uploads: listing them, deleting several at once, bringing one back, and purge tombstones. */
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';
import { listColumns, type UploadRecord } from './uploads-repo.ts';

/** Tombstones say "purged" to the owner's restore for this long, then go too. */
export const TOMBSTONE_DAYS = 90;

/** The user's deleted uploads that can still be restored, most recently deleted first. */
export async function listDeleted(db: Kysely<DB>, userId: string, f: { limit: number; offset: number; now: Date }): Promise<{ rows: UploadRecord[]; total: number }> {
  const q = db.selectFrom('uploads').where('user_id', '=', userId)
    .where('deleted_at', 'is not', null).where('purge_after', '>', f.now);
  const [rows, count] = await Promise.all([
    q.select(listColumns).orderBy('deleted_at', 'desc').orderBy('id').limit(f.limit).offset(f.offset).execute(),
    q.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/** One of the user's uploads, deleted or not (restore decides what to say about it). */
export function findAny(db: Kysely<DB>, userId: string, id: string): Promise<UploadRecord | undefined> {
  return db.selectFrom('uploads').select(listColumns).where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

/** Soft-deletes those of `ids` that are the user's and live, in one statement; returns the ones it deleted. */
export function softDeleteMany(db: Kysely<DB>, userId: string, ids: string[], purgeAfter: Date) {
  return db.updateTable('uploads')
    .set({ deleted_at: new Date(), purge_after: purgeAfter, updated_at: new Date() })
    .where('id', 'in', ids).where('user_id', '=', userId).where('deleted_at', 'is', null)
    .returning(['id', 'current_job_id', 'processing_status']).execute();
}

/**
 * Makes a deleted upload live again, if it is still within its retention (`purge_after` later than
 * `now`). Its summary, vectors and full text were never removed, so search finds it at once.
 */
export async function undelete(db: Kysely<DB>, userId: string, id: string, now: Date): Promise<boolean> {
  const res = await db.updateTable('uploads')
    .set({ deleted_at: null, purge_after: null, updated_at: new Date() })
    .where('id', '=', id).where('user_id', '=', userId).where('deleted_at', 'is not', null).where('purge_after', '>', now)
    .executeTakeFirst();
  return Number(res.numUpdatedRows) === 1;
}

/** Whether this user's upload was purged for good (a tombstone). */
export function wasPurged(db: Kysely<DB>, userId: string, id: string): Promise<boolean> {
  return db.selectFrom('purged_uploads').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst().then(Boolean);
}

/** The row goes and its tombstone stays, together. */
export async function hardDeleteLeavingTombstone(db: Kysely<DB>, id: string, userId: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('purged_uploads').values({ id, user_id: userId }).onConflict((oc) => oc.column('id').doNothing()).execute();
    await trx.deleteFrom('uploads').where('id', '=', id).execute();
  });
}

export async function pruneTombstones(db: Kysely<DB>, before: Date): Promise<void> {
  await db.deleteFrom('purged_uploads').where('purged_at', '<', before).execute();
}

/** A restored upload that was deleted before it finished: it waits for its new job. */
export async function awaitNewJob(db: Kysely<DB>, id: string, jobId: string): Promise<void> {
  await db.updateTable('uploads')
    .set({ current_job_id: jobId, processing_status: 'pending', processing_error: null, processing_error_code: null, updated_at: new Date() })
    .where('id', '=', id).execute();
}
