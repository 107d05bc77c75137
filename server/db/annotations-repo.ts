/**
 * A person's own words on their files: tags (many per file) and one note, kept apart from what the
 * analyzer wrote. Both are part of the full-text document, so each change rebuilds `search_tsv`
 * from the row (the same parts and weights uploads-repo's searchVector writes on completion).
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';
import { nameWords, userWordsVector } from './uploads-repo.ts';

/** The whole full-text document from the row's own columns; a file not processed yet gets one when it completes. */
const rowSearchVector = sql<string>`CASE WHEN processing_status = 'completed' THEN
    setweight(to_tsvector('english', ${nameWords(sql.ref('original_filename'))}), 'A') ||
    setweight(to_tsvector('english', COALESCE(summary, '')), 'B') ||
    setweight(to_tsvector('english', array_to_string(tags, ' ')), 'B') ||
    setweight(to_tsvector('english', left(COALESCE(extracted_text, ''), 200000)), 'C') ||
    ${userWordsVector}
  ELSE search_tsv END`;

export interface AnnotationChange {
  /** Replaces the tags. */
  set?: readonly string[] | undefined;
  add?: readonly string[] | undefined;
  remove?: readonly string[] | undefined;
  /** A string replaces the note, null removes it; undefined leaves it. */
  note?: string | null | undefined;
}

/**
 * Changes the tags and/or note of the user's live uploads among `ids` in one statement; returns
 * the ids changed (others are not the user's, or deleted).
 */
export async function annotate(db: Kysely<DB>, userId: string, ids: readonly string[], c: AnnotationChange): Promise<string[]> {
  if (ids.length === 0) return [];
  const tags = c.set !== undefined
    ? sql<string[]>`${sql.val([...c.set])}::text[]`
    : sql<string[]>`ARRAY(SELECT DISTINCT t FROM unnest(user_tags || ${sql.val([...(c.add ?? [])])}::text[]) AS t
        WHERE NOT t = ANY(${sql.val([...(c.remove ?? [])])}::text[]) ORDER BY t)`;
  const rows = await db.updateTable('uploads')
    .set({ user_tags: tags, ...(c.note !== undefined ? { note: c.note } : {}), updated_at: new Date() })
    .where('user_id', '=', userId).where('deleted_at', 'is', null).where('id', 'in', [...ids])
    .returning('id').execute();
  // A second statement so the document is built from the values just written.
  if (rows.length > 0) {
    await db.updateTable('uploads').set({ search_tsv: rowSearchVector }).where('id', 'in', rows.map((r) => r.id)).execute();
  }
  return rows.map((r) => r.id);
}

/** The most tags any of these files would carry with `add` added. */
export async function tagsAfterAdding(db: Kysely<DB>, ids: readonly string[], add: readonly string[]): Promise<number> {
  if (ids.length === 0) return 0;
  const { rows } = await sql<{ n: number | null }>`
    SELECT max(cardinality(ARRAY(SELECT DISTINCT t FROM unnest(user_tags || ${sql.val([...add])}::text[]) AS t)))::int AS n
    FROM uploads WHERE id IN (${sql.join([...ids])})`.execute(db);
  return rows[0]?.n ?? 0;
}

/** The user's tags with how many live files carry each, most used first. */
export async function tagCounts(db: Kysely<DB>, userId: string): Promise<{ tag: string; count: number }[]> {
  const { rows } = await sql<{ tag: string; count: number }>`
    SELECT t AS tag, count(*)::int AS count FROM uploads, unnest(user_tags) AS t
    WHERE user_id = ${userId} AND deleted_at IS NULL
    GROUP BY t ORDER BY count(*) DESC, t`.execute(db);
  return rows;
}

export async function getPreferences(db: Kysely<DB>, userId: string): Promise<{ hide_analyzer_tags: boolean }> {
  const row = await db.selectFrom('users').select('hide_analyzer_tags').where('id', '=', userId).executeTakeFirst();
  return { hide_analyzer_tags: row?.hide_analyzer_tags ?? false };
}

export async function setPreferences(db: Kysely<DB>, userId: string, p: { hide_analyzer_tags: boolean }): Promise<void> {
  await db.updateTable('users').set({ hide_analyzer_tags: p.hide_analyzer_tags }).where('id', '=', userId).execute();
}
