import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

/** How many live files each folder holds directly; `folder` null counts the files in none. */
export async function folderCounts(db: Kysely<DB>, userId: string): Promise<{ folder: string | null; count: number }[]> {
  const { rows } = await sql<{ folder: string | null; count: number }>`
    SELECT folder, count(*)::int AS count FROM uploads
    WHERE user_id = ${userId} AND deleted_at IS NULL
    GROUP BY folder`.execute(db);
  return rows;
}
