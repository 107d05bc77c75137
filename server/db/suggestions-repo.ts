/**
 * Words a user's own library carries, for the search box to suggest while they type: their tags
 * (which hold the objects the analyzer is sure of) and their cameras, matched at the start of any
 * of their words, most frequent first. One statement over the user's rows through the user_id
 * index: no derived table to keep in step, and a library of 10,000 files answers in a few
 * milliseconds (bench/search.ts measures it).
 */
import { sql, type Kysely } from 'kysely';
import type { SuggestionKind } from '../../shared/api/schemas.ts';
import type { DB } from './schema.ts';

export interface SuggestionRow {
  kind: SuggestionKind;
  value: string;
  count: number;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** The user's tags and cameras having a word that starts with `prefix` (any case), most files first. */
export async function suggestTerms(db: Kysely<DB>, q: { userId: string; prefix: string; limit: number }): Promise<SuggestionRow[]> {
  const p = escapeLike(q.prefix.trim().toLowerCase());
  if (p === '') return [];
  // The start of the value, or of a word inside it: "retr" finds "golden retriever", "eos" finds "Canon EOS R5".
  const startsWord = (column: ReturnType<typeof sql.ref>) => sql`(lower(${column}) LIKE ${`${p}%`} OR lower(${column}) LIKE ${`% ${p}%`})`;
  const { rows } = await sql<{ kind: SuggestionKind; value: string; n: number | string }>`
    WITH mine AS (
      SELECT tags, camera FROM uploads WHERE user_id = ${q.userId} AND deleted_at IS NULL AND processing_status = 'completed'
    ), cameras AS (
      SELECT camera, count(*) AS n FROM mine WHERE camera IS NOT NULL AND ${startsWord(sql.ref('camera'))} GROUP BY camera
    )
    SELECT kind, value, n FROM (
      SELECT 'camera' AS kind, camera AS value, n FROM cameras
      UNION ALL
      -- Tags differing only in case are one suggestion, spelt the way most files spell it; the
      -- analyzer also tags a photo with its camera, which is offered as the camera (a filter) instead.
      SELECT 'tag', mode() WITHIN GROUP (ORDER BY t), count(*)
        FROM mine, unnest(mine.tags) AS t
        WHERE ${startsWord(sql.ref('t'))} AND lower(t) NOT IN (SELECT lower(camera) FROM cameras)
        GROUP BY lower(t)
    ) s
    ORDER BY n DESC, lower(value), kind
    LIMIT ${q.limit}`.execute(db);
  return rows.map((r) => ({ kind: r.kind, value: r.value, count: Number(r.n) }));
}
