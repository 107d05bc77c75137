import { sql, type Kysely } from 'kysely';
import { SNIPPET_MARKS } from '../../shared/api/schemas.ts';
import type { DB } from './schema.ts';
import type { VectorSpace } from './search-repo.ts';
import { toVectorLiteral } from './uploads-repo.ts';

/** One page of a document or one timed stretch of a transcript (migration 0010), with its vector if it has one. */
export interface StoredChunk {
  kind: 'transcript' | 'page' | 'frames';
  page?: number | undefined;
  start_s?: number | undefined;
  end_s?: number | undefined;
  text: string;
  embedding: number[] | null;
}

/** Rows written per INSERT: a 1 000-page manual is a few statements, each well under Postgres' parameter limit. */
const INSERT_BATCH = 200;

/**
 * Replaces an upload's parts with these (a new analysis supersedes the old one whole). Runs in the
 * transaction that completes the upload, so search never sees the new summary with the old pages.
 */
export async function replaceChunks(db: Kysely<DB>, uploadId: string, chunks: readonly StoredChunk[], model: string): Promise<void> {
  await sql`DELETE FROM upload_chunks WHERE upload_id = ${uploadId}`.execute(db);
  for (let at = 0; at < chunks.length; at += INSERT_BATCH) {
    const rows = chunks.slice(at, at + INSERT_BATCH).map((c, i) => {
      // Postgres text cannot hold NUL, which some PDFs' text layers carry.
      const text = c.text.replace(/\0/g, '');
      return sql`(${uploadId}::uuid, ${at + i}, ${c.kind}, ${c.page ?? null}::int, ${c.start_s ?? null}::real, ${c.end_s ?? null}::real, ${text},
        to_tsvector('english', ${text}), ${c.embedding ? toVectorLiteral(c.embedding) : null}::vector, ${c.embedding ? model : null}::text)`;
    });
    await sql`INSERT INTO upload_chunks (upload_id, ordinal, kind, page, start_s, end_s, text, search_tsv, embedding, embedding_model)
      VALUES ${sql.join(rows)}`.execute(db);
  }
}

/** Where in a file a hit matched: the time span of a transcript segment, or a document's page. */
export interface Moment {
  upload_id: string;
  page: number | null;
  start_s: number | null;
  end_s: number | null;
  /** The words there; the query's are marked with SNIPPET_MARKS. */
  text: string;
  /** The query's words are in this part (else it is only the nearest by meaning). */
  by_text: boolean;
}

/** The part shown is cut to this around the matched words, which are marked (the caller starts the text near the first). */
const MOMENT_OPTIONS = `StartSel=${SNIPPET_MARKS.start}, StopSel=${SNIPPET_MARKS.end}, MaxWords=24, MinWords=10, ShortWord=2, MaxFragments=1`;

/**
 * The best-matching part of each of these uploads: the one with the query's words (all of them
 * before some, then by rank), else the one nearest the query by meaning in the upload's own vector
 * space. Uploads without parts, or whose parts match neither way, have no moment.
 */
export async function bestMoments(db: Kysely<DB>, uploadIds: readonly string[], text: string, spaces: readonly VectorSpace[]): Promise<Map<string, Moment>> {
  const found = new Map<string, Moment>();
  if (uploadIds.length === 0) return found;
  const distance = spaces.length === 0 ? sql`NULL::float8` : sql`CASE ${sql.join(spaces.map((s) => {
    const dims = sql.raw(String(Math.trunc(s.dimensions)));
    return sql`WHEN c.embedding_model = ${s.model} THEN (c.embedding::vector(${dims})) <=> ${toVectorLiteral(s.vector)}::vector(${dims})`;
  }), sql` `)} END`;
  const { rows } = await sql<Moment & { text: string }>`
    WITH q AS (
      SELECT s AS strict, CASE WHEN s::text LIKE '%!%' THEN s ELSE replace(s::text, ' & ', ' | ')::tsquery END AS loose
      FROM websearch_to_tsquery('english', ${text}) AS s
    ), scored AS (
      SELECT c.upload_id, c.ordinal, c.page, c.start_s, c.end_s, c.text, c.search_tsv @@ q.loose AS by_text,
        c.search_tsv @@ q.strict AS strict, ts_rank_cd(c.search_tsv, q.loose, 32) AS rank, ${distance} AS distance, q.loose
      FROM upload_chunks c, q
      WHERE c.upload_id IN (${sql.join(uploadIds.map((id) => sql`${id}::uuid`))})
    ), best AS (
      SELECT DISTINCT ON (upload_id) * FROM scored
      WHERE by_text OR distance IS NOT NULL
      ORDER BY upload_id, by_text DESC, strict DESC, rank DESC, distance ASC NULLS LAST, ordinal
    )
    SELECT upload_id, page, start_s, end_s, by_text,
      CASE WHEN by_text THEN ts_headline('english', translate(text, ${SNIPPET_MARKS.start + SNIPPET_MARKS.end}, '‹›'), loose, ${MOMENT_OPTIONS})
        ELSE left(text, 200) END AS text
    FROM best`.execute(db);
  for (const r of rows) found.set(r.upload_id, { ...r, start_s: r.start_s === null ? null : Number(r.start_s), end_s: r.end_s === null ? null : Number(r.end_s) });
  return found;
}
