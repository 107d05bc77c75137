import { sql, type Kysely } from 'kysely';
import { createSweptTable } from './columns.ts';

/**
 * What is left of an upload once its bytes and row are purged: its id, its owner and when. Only so a
 * restore can tell the owner "removed for good" (RESTORE_EXPIRED) instead of "no such file"; other
 * users still get NOT_FOUND. Rows older than a while are pruned by the purge sweep.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await createSweptTable(db, 'purged_uploads', sql`id uuid PRIMARY KEY, user_id uuid NOT NULL`, 'purged_at');
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE purged_uploads`.execute(db);
}
