/**
 * The words a user's own library carries, for the search box to suggest: the analyzer's tags (which
 * hold the objects it is sure of), the user's own tags, their cameras, folders and collections,
 * each with how many live, processed files carry it. One pass over the user's rows, grouped by the exact spelling (grouping by lower() or
 * picking a spelling in SQL costs 2–4× more); services/suggestion-vocabulary.ts merges spellings
 * and keeps the answer until the user's files change, so typing never waits for it.
 */
import { sql, type Kysely } from 'kysely';
import type { SuggestionKind } from '../../shared/api/schemas.ts';
import type { DB } from './schema.ts';

export interface SuggestionRow {
  kind: SuggestionKind;
  value: string;
  count: number;
}

/**
 * Every tag, camera, folder and collection of the user's live, processed files with its count,
 * unordered. A folder comes as the path files sit in (`Holidays/2023`), without its ancestors; a
 * collection as its path (`Trips/Rome`), counting its own files.
 */
export async function userTerms(db: Kysely<DB>, userId: string): Promise<SuggestionRow[]> {
  const mine = sql`user_id = ${userId} AND deleted_at IS NULL AND processing_status = 'completed'`;
  const { rows } = await sql<{ kind: SuggestionKind; value: string; n: number | string }>`
    SELECT 'camera' AS kind, camera AS value, count(*) AS n FROM uploads WHERE ${mine} AND camera IS NOT NULL GROUP BY camera
    UNION ALL
    SELECT 'tag', t, count(DISTINCT uploads.id) FROM uploads, unnest(uploads.tags || uploads.user_tags) AS t WHERE ${mine} GROUP BY t
    UNION ALL
    SELECT 'folder', folder, count(*) FROM uploads WHERE ${mine} AND folder IS NOT NULL GROUP BY folder
    UNION ALL
    SELECT 'collection', CASE WHEN p.name IS NULL THEN c.name ELSE p.name || '/' || c.name END, count(u.id)
      FROM collections c
      LEFT JOIN collections p ON p.id = c.parent_id
      JOIN collection_items i ON i.collection_id = c.id
      JOIN uploads u ON u.id = i.upload_id AND u.user_id = ${userId} AND u.deleted_at IS NULL AND u.processing_status = 'completed'
      WHERE c.user_id = ${userId}
      GROUP BY c.id, c.name, p.name`.execute(db);
  return rows.map((r) => ({ kind: r.kind, value: r.value, count: Number(r.n) }));
}
