/**
 * The words a user's own library carries, for the search box to suggest: their tags (which hold
 * the objects the analyzer is sure of) and their cameras, each with how many live, processed files
 * carry it. One pass over the user's rows, grouped by the exact spelling (grouping by lower() or
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

/** Every tag and camera of the user's live, processed files with its count, unordered. */
export async function userTerms(db: Kysely<DB>, userId: string): Promise<SuggestionRow[]> {
  const mine = sql`user_id = ${userId} AND deleted_at IS NULL AND processing_status = 'completed'`;
  const { rows } = await sql<{ kind: SuggestionKind; value: string; n: number | string }>`
    SELECT 'camera' AS kind, camera AS value, count(*) AS n FROM uploads WHERE ${mine} AND camera IS NOT NULL GROUP BY camera
    UNION ALL
    SELECT 'tag', t, count(*) FROM uploads, unnest(uploads.tags) AS t WHERE ${mine} GROUP BY t`.execute(db);
  return rows.map((r) => ({ kind: r.kind, value: r.value, count: Number(r.n) }));
}
