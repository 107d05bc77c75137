import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { SNIPPET_MARKS, type CloudStatus, type SearchSort } from '../../shared/api/schemas.ts';
import type { FileType } from '../../shared/file-types.ts';
import type { DB } from './schema.ts';
import { inFolder, nameWords, toVectorLiteral } from './uploads-repo.ts';

/**
 * What a similarity means in one vector space, per file type: the ranker compares
 * (similarity − mean) / spread, so a type whose files all lie close to every query (documents,
 * with many words) does not outrank the others by that alone. Fitted in services/search-calibration.ts.
 */
export type SimilarityScale = Partial<Record<FileType, { mean: number; spread: number }>>;

/**
 * The default relevance cut-off (services/search-calibration.ts): a result stays in the list when it
 * has every word of the query, or its fused score is at least `minRelative` of the best result's —
 * the list stops where the evidence falls far below its best match.
 */
export interface RelevanceCutoff {
  minRelative: number;
}

/** The query embedded by one model; files embedded by that model are ranked in this space. */
export interface VectorSpace {
  vector: number[];
  model: string;
  dimensions: number;
}

export interface HybridQuery {
  userId: string;
  text: string;
  /** One per embedding model the user's files use (a kept-local file lives in the offline model's space). */
  spaces: VectorSpace[];
  /** Any of these types… */
  fileTypes?: FileType[] | undefined;
  /** …or any of these MIME types (formats asked for by name: "pdf"). */
  mimeTypes?: string[] | undefined;
  /** When the content was made (`content_date`), inclusive. */
  dateFrom?: Date | undefined;
  dateTo?: Date | undefined;
  /** Every word appears in the camera's make and model. */
  camera?: string | undefined;
  /** Files containing any of these words or phrases (anywhere full text looks) are left out. */
  exclude?: string[] | undefined;
  limit: number;
  /** Results of the ranked list skipped before this page. */
  offset?: number | undefined;
  /** How many candidates each ranker contributes before fusion: the depth of the ranked list. */
  candidates: number;
  /** Vector-only hits below this cosine similarity are dropped; full-text hits are always kept. Default 0. */
  minScore?: number | undefined;
  /**
   * Words of the query that name analyzer labels another way (server/vocabulary/related-words.ts):
   * each also matches its labels among a file's summary and tags, so "animal" finds a detected cat.
   */
  related?: readonly { term: string; labels: readonly string[] }[] | undefined;
  /** Per vector space (model name): how to compare similarities across file types. A space without one ranks by raw similarity. */
  calibration?: Readonly<Record<string, SimilarityScale>> | undefined;
  /** Results below this cut-off leave the list (and its counts) and are only counted: SearchPage.weaker. */
  cutoff?: RelevanceCutoff | undefined;
  /** Default 'relevance' (fused rank); 'date' is the older name of 'newest' (when the content was made). */
  sort?: SearchSort | undefined;
  /** Files the NSFW check flagged (`metadata.nsfw.flagged`): kept (default), left out, or the only ones. */
  nsfw?: 'include' | 'exclude' | 'only' | undefined;
  /** In this folder (a path) or below it. */
  folder?: string | undefined;
  /** In any of these collections (a collection and its sub-collections, resolved by the caller); empty matches nothing. */
  collectionIds?: string[] | undefined;
  /** Carrying every one of these tags of the user's own. */
  tags?: string[] | undefined;
  /**
   * false: the same statement without what issue 15 added to it — no counts (facets empty, `total`
   * only what this page saw), no snippets or matched tags. Only `npm run bench` asks for this: the
   * baseline the cost of facets and reasons is measured against. Default true.
   */
  facetsAndReasons?: boolean | undefined;
  /**
   * Which of the folder and collection counts to make (default both): the caller knows when the
   * user has no folder or no collection, where that count would be empty — and those subqueries
   * cost more to plan than the rest of the statement (bench/results.json, search
   * details.afterPlaceFacetsFix). false: neither.
   */
  placeFacets?: { folders: boolean; collections: boolean } | false | undefined;
}

export interface HybridHit {
  id: string;
  original_filename: string;
  file_type: FileType;
  mime_type: string;
  file_size: number;
  summary: string | null;
  thumbnail_uri: string | null;
  created_at: Date;
  content_date: Date;
  cloud_status: CloudStatus | null;
  keep_local: boolean;
  similarity: number;
  /** The similarity on the scale of its space and type (SimilarityScale); the similarity itself where there is none. */
  calibrated: number;
  fused: number;
  /** Has every word of the query (the strict full-text match). */
  text_match: boolean;
  /** Found by the full-text ranker (some or all of the words). */
  by_text: boolean;
  /** Among the vector ranker's candidates. */
  by_vector: boolean;
  /** The summary or the extracted text around the matched words, marked with SNIPPET_MARKS; null when they did not match there. */
  summary_headline: string | null;
  text_headline: string | null;
  name_match: boolean | null;
  /** Tags and detected objects that match the query's words. */
  matched: string[] | null;
}

export interface SimilarHit extends Omit<HybridHit, 'calibrated' | 'fused' | 'text_match' | 'by_text' | 'by_vector' | 'summary_headline' | 'text_headline' | 'name_match' | 'matched'> {
  phash: string | null;
}

export interface FacetCounts {
  file_type: Record<string, number>;
  year: Record<string, number>;
  month: Record<string, number>;
  camera: Record<string, number>;
  folder?: Record<string, number>;
  collection?: Record<string, number>;
}

/** One page of a ranked list, with the size of the whole list and counts over all of it. */
export interface SearchPage {
  hits: HybridHit[];
  total: number;
  facets: FacetCounts;
  /** Matches the relevance cut-off left out (not in `total`); 0 without a cut-off. */
  weaker: number;
}

/**
 * hnsw.ef_search for a vector ranker asked for `candidates` rows: the size of the graph search's
 * candidate list (the iterative scan goes on past it when filters leave too few rows). With the
 * index's build parameters (HNSW_BUILD in migrate.ts) vector recall@100 at 100 000 clustered 512-d
 * vectors was 0.86 at 100, 0.94 at 300 and 0.985 at 400 (0.96 at 100 with pgvector's default
 * build); each search's graph walk took ~14 ms of CPU at 400 against ~12 ms at 200 with the default
 * build (bench/search.ts measures the recall). pgvector takes at most 1 000.
 */
const EF_SEARCH_PER_CANDIDATE = 4;
export const efSearchFor = (candidates: number): number => Math.min(1000, Math.max(40, Math.ceil(candidates * EF_SEARCH_PER_CANDIDATE)));

/** Reciprocal rank fusion constant; 60 is the value from the original RRF paper and works without tuning. */
const RRF_K = 60;
/**
 * ts_rank_cd weights for {D, C, B, A}; uploads-repo's searchVector puts the file name in A, the
 * summary and tags in B, the extracted text (document text, OCR, transcript) in C. Chosen on
 * `npm run eval` (eval/README.md has the runs).
 */
const FIELD_WEIGHTS = '{0.1, 0.2, 0.4, 1.0}';
/** How much a place in each ranked list counts in the fusion (eval-tuned, see FIELD_WEIGHTS). */
const VECTOR_WEIGHT = 1;
const TEXT_WEIGHT = 1;
/** A file with only some of the query's words is weaker evidence than one with all of them. */
const PARTIAL_TEXT_WEIGHT = 0.5;
/** Cameras listed in the facets, most frequent first. */
const MAX_CAMERA_FACETS = 20;
/**
 * How much extracted text a snippet is looked for in: ts_headline parses what it is given, and a
 * page of 20 results must stay cheap. Words deeper in a long transcript still match; they only
 * get no snippet.
 */
const SNIPPET_SOURCE_CHARS = 20_000;
const HEADLINE_OPTIONS = `StartSel=${SNIPPET_MARKS.start}, StopSel=${SNIPPET_MARKS.end}, MaxWords=28, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/**
 * A similarity on its space's scale for the file's type (SimilarityScale), or NULL where that space
 * or type has none. `model`: the space's model, or the column holding it.
 */
function scaled(calibration: HybridQuery['calibration'], model: RawBuilder<unknown> | string, fileType: RawBuilder<unknown>, similarity: RawBuilder<unknown>) {
  const cases = Object.entries(calibration ?? {}).flatMap(([m, scale]) => Object.entries(scale).flatMap(([type, s]) => {
    if (!s || !(s.spread > 0)) return [];
    const space = typeof model === 'string' ? (model === m ? sql`true` : sql`false`) : sql`${model} = ${sql.lit(m)}`;
    return [sql`WHEN ${space} AND ${fileType} = ${sql.lit(type)} THEN (${similarity} - ${sql.lit(s.mean)}) / ${sql.lit(s.spread)}`];
  }));
  return cases.length === 0 ? sql`NULL::float8` : sql`(CASE ${sql.join(cases, sql` `)} END)::float8`;
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * The query's words as a tsquery, each related term OR its labels: ('anim' | 'cat':B | 'dog':B) & 'sound'.
 * A label matches only in weight B (the summary, the analyzer's tags, the user's tags and note),
 * where what was seen is named, never in a document's own text. Labels are plain lower-case words.
 */
function queryTsquery(text: string, related: HybridQuery['related']) {
  let query = sql`websearch_to_tsquery('english', ${text})`;
  for (const r of related ?? []) {
    const labels = r.labels.filter((l) => /^[a-z][a-z -]*$/.test(l))
      .map((l) => l.split(/[\s-]+/).filter(Boolean).map((w) => `${w}:B`).join(' <-> '));
    if (labels.length === 0) continue;
    query = sql`ts_rewrite(${query}, plainto_tsquery('english', ${r.term}), plainto_tsquery('english', ${r.term}) || to_tsquery('english', ${labels.join(' | ')}))`;
  }
  return query;
}

/** The WHERE clause every ranker and listing shares: the user's live, finished files and the filters. */
function filterClause(q: Omit<HybridQuery, 'text' | 'spaces' | 'limit' | 'candidates'>) {
  const kinds = [
    ...(q.fileTypes?.length ? [sql`file_type IN (${sql.join(q.fileTypes)})`] : []),
    ...(q.mimeTypes?.length ? [sql`mime_type IN (${sql.join(q.mimeTypes)})`] : []),
  ];
  const cameraWords = (q.camera ?? '').split(/\s+/).filter(Boolean);
  return sql.join([
    sql`user_id = ${q.userId}`,
    sql`deleted_at IS NULL`,
    sql`processing_status = 'completed'`,
    ...(kinds.length ? [sql`(${sql.join(kinds, sql` OR `)})`] : []),
    ...(q.dateFrom ? [sql`content_date >= ${q.dateFrom}`] : []),
    ...(q.dateTo ? [sql`content_date <= ${q.dateTo}`] : []),
    ...cameraWords.map((w) => sql`camera ILIKE ${`%${escapeLike(w)}%`}`),
    // A file with no full-text document yet cannot contain the word: COALESCE keeps it.
    ...(q.exclude ?? []).map((e) => sql`NOT COALESCE(search_tsv @@ phraseto_tsquery('english', ${e}), false)`),
    ...(q.nsfw === 'exclude' ? [sql`(metadata->'nsfw'->>'flagged') IS DISTINCT FROM 'true'`] : []),
    ...(q.nsfw === 'only' ? [sql`(metadata->'nsfw'->>'flagged') = 'true'`] : []),
    ...(q.folder !== undefined ? [inFolder(q.folder)] : []),
    ...(q.collectionIds !== undefined
      ? [q.collectionIds.length === 0 ? sql`false` : sql`id IN (SELECT upload_id FROM collection_items WHERE collection_id IN (${sql.join(q.collectionIds)}))`]
      : []),
    ...(q.tags?.length ? [sql`user_tags @> ${sql.val(q.tags)}::text[]`] : []),
  ], sql` AND `);
}

/** Total ordering of a result list; `relevance` needs the fused score, the others fall back on it. */
function orderBy(sort: SearchSort | undefined, ranked: boolean) {
  const fused = ranked ? sql`fused DESC, ` : sql``;
  switch (sort ?? 'relevance') {
    case 'relevance': return ranked ? sql`fused DESC, created_at DESC, id` : sql`content_date DESC, id`;
    case 'newest': case 'date': return sql`content_date DESC, ${fused}id`;
    case 'oldest': return sql`content_date ASC, ${fused}id`;
    case 'name': return sql`lower(original_filename), original_filename, id`;
    case 'size': return sql`file_size DESC, ${fused}id`;
  }
}

/**
 * Counts over every row of `matches` (a CTE with file_type, content_date and camera): one GROUP BY
 * over the three together, summed by each in toPage. One subquery keeps the statement cheap to plan.
 */
const facetColumn = (matches: string) => sql`(SELECT COALESCE(jsonb_agg(jsonb_build_array(file_type, m, camera, n)), '[]'::jsonb) FROM (
    SELECT file_type, to_char(content_date AT TIME ZONE 'UTC', 'YYYY-MM') AS m, camera, count(*)::int AS n FROM ${sql.table(matches)} GROUP BY 1, 2, 3) x) AS facet_rows`;

type FacetRow = [fileType: string, month: string, camera: string | null, count: number];

interface PlaceFacets {
  folder: Record<string, number>;
  collection: Record<string, number>;
}
/** Folders and collections listed in the facets, most matches first. */
const MAX_PLACE_FACETS = 30;

/**
 * Matches by the folder they are directly in, and by collection (by path; a parent counts its
 * sub-collections' files too, each file once). Only the users' own collections can hold their files.
 */
const placeFacetColumn = (matches: string, which: { folders: boolean; collections: boolean }) => sql`(SELECT jsonb_build_object(
    'folder', ${which.folders ? sql`(SELECT COALESCE(jsonb_object_agg(folder, n), '{}'::jsonb) FROM (
      SELECT u.folder, count(*)::int AS n FROM ${sql.table(matches)} m JOIN uploads u ON u.id = m.id
      WHERE u.folder IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${MAX_PLACE_FACETS}) f)` : sql`'{}'::jsonb`},
    'collection', ${which.collections ? sql`(SELECT COALESCE(jsonb_object_agg(path, n), '{}'::jsonb) FROM (
      SELECT v.path, count(DISTINCT m.id)::int AS n FROM ${sql.table(matches)} m
        JOIN collection_items ci ON ci.upload_id = m.id JOIN collections c ON c.id = ci.collection_id
        LEFT JOIN collections p ON p.id = c.parent_id
        CROSS JOIN LATERAL (VALUES (CASE WHEN p.id IS NULL THEN c.name ELSE p.name || '/' || c.name END), (p.name)) v(path)
      WHERE v.path IS NOT NULL GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT ${MAX_PLACE_FACETS}) c)` : sql`'{}'::jsonb`}
  )) AS place_facets`;

/** The bench's baseline (HybridQuery.facetsAndReasons false): the columns of counts and reasons, empty. */
const NO_FACETS = sql`'[]'::jsonb AS facet_rows, NULL::jsonb AS place_facets`;
const NO_PLACE_FACETS = sql`NULL::jsonb AS place_facets`;
function placeFacets(q: Pick<HybridQuery, 'placeFacets'>, matches: string) {
  const which = q.placeFacets ?? { folders: true, collections: true };
  return which === false || (!which.folders && !which.collections) ? NO_PLACE_FACETS : placeFacetColumn(matches, which);
}
const NO_REASONS = sql`NULL::text AS summary_headline, NULL::text AS text_headline, NULL::boolean AS name_match, NULL::text[] AS matched`;

interface PageRow extends Omit<HybridHit, 'similarity' | 'calibrated' | 'fused'> {
  similarity: number | string | null;
  calibrated: number | string | null;
  fused: number | string | null;
  weaker?: number | string | null;
  facet_rows: FacetRow[] | string;
  place_facets: PlaceFacets | string | null;
}

/** Type, year, month and camera counts (the cameras: the most frequent MAX_CAMERA_FACETS) from the grouped rows. */
function facetsOf(rows: readonly FacetRow[]): { facets: FacetCounts; total: number } {
  const facets: FacetCounts = { file_type: {}, year: {}, month: {}, camera: {} };
  const add = (into: Record<string, number>, key: string, n: number) => {
    into[key] = (into[key] ?? 0) + n;
  };
  let total = 0;
  for (const [fileType, month, camera, n] of rows) {
    total += n;
    add(facets.file_type, fileType, n);
    add(facets.year, month.slice(0, 4), n);
    add(facets.month, month, n);
    if (camera !== null) add(facets.camera, camera, n);
  }
  const cameras = Object.entries(facets.camera).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).slice(0, MAX_CAMERA_FACETS);
  facets.camera = Object.fromEntries(cameras);
  return { facets, total };
}

/** Splits the statement's rows (one per result, or one with no result when the page is empty) into the page. */
function toPage(rows: PageRow[], bare?: { offset: number }): SearchPage {
  const first = rows[0];
  const grouped = first ? (typeof first.facet_rows === 'string' ? (JSON.parse(first.facet_rows) as FacetRow[]) : first.facet_rows) : [];
  const { facets, total: counted } = facetsOf(grouped);
  const total = bare ? bare.offset + rows.filter((r) => r.id !== null).length : counted;
  const places = first ? (typeof first.place_facets === 'string' ? (JSON.parse(first.place_facets) as PlaceFacets) : first.place_facets) : null;
  facets.folder = places?.folder ?? {};
  facets.collection = places?.collection ?? {};
  const hits = rows.filter((r) => r.id !== null).map((r): HybridHit => ({
    id: r.id, original_filename: r.original_filename, file_type: r.file_type, mime_type: r.mime_type, file_size: Number(r.file_size),
    summary: r.summary, thumbnail_uri: r.thumbnail_uri, created_at: r.created_at, content_date: r.content_date,
    cloud_status: r.cloud_status, keep_local: r.keep_local, similarity: Number(r.similarity ?? 0),
    calibrated: Number(r.calibrated ?? r.similarity ?? 0), fused: Number(r.fused ?? 0), text_match: r.text_match === true,
    by_text: r.by_text, by_vector: r.by_vector, summary_headline: r.summary_headline, text_headline: r.text_headline,
    name_match: r.name_match, matched: r.matched,
  }));
  return { hits, total, facets, weaker: Number(first?.weaker ?? 0) };
}

/**
 * Hybrid search in one round trip: the nearest vectors (HNSW, filtered by user with iterative scan
 * so a filtered top-k is still k rows) and the best full-text matches, fused by reciprocal rank.
 * A file found by both rankers rises; a file found by either one still appears. The same statement
 * counts the whole ranked list by type, year, month and camera, and, for the page's rows only,
 * marks the matched words in the summary or the extracted text (ts_headline) and lists the tags
 * and detected objects that match.
 */
export async function rankedSearch(db: Kysely<DB>, q: HybridQuery): Promise<SearchPage> {
  await keepPlannerInformed(db);
  const filters = filterClause(q);
  const spaces = q.spaces.map((s) => ({
    model: sql.lit(s.model), name: s.model, dims: sql.raw(String(Math.trunc(s.dimensions))), vec: toVectorLiteral(s.vector),
  }));
  // Each vector space ranks its own files by its own distance (HNSW per model); the ranks, not the
  // distances, meet in the fusion, so spaces of different models and sizes combine fairly.
  // A file is also found by the nearest of its parts (upload_chunks: a page of a long document, a
  // stretch of a transcript), but only after the files found by their own vector, whose order stays
  // as it was: such a file ranks behind the candidates, and its similarity is its part's.
  // Within a space the candidates rank by similarity on their type's scale (q.calibration), so a type
  // whose files lie close to every query does not take the first places by that alone.
  const nearest = spaces.length === 0 ? sql`SELECT NULL::uuid AS id, 0::bigint AS rnk, NULL::float8 AS part_similarity WHERE false` : sql.join(spaces.map(({ model, dims, vec, name }) => sql`
    SELECT id, row_number() OVER (ORDER BY ${scaled(q.calibration, name, sql.ref('file_type'), sql`(1 - distance)`)} DESC NULLS LAST, distance) AS rnk, NULL::float8 AS part_similarity FROM (
      SELECT id, file_type, (embedding::vector(${dims})) <=> ${vec}::vector(${dims}) AS distance
      FROM uploads
      WHERE ${filters} AND embedding_model = ${model}
      ORDER BY (embedding::vector(${dims})) <=> ${vec}::vector(${dims})
      LIMIT ${q.candidates}) nn
    UNION ALL
    SELECT upload_id, ${q.candidates} + row_number() OVER (ORDER BY distance), 1 - distance FROM (
      SELECT c.upload_id, min((c.embedding::vector(${dims})) <=> ${vec}::vector(${dims})) AS distance
      FROM upload_chunks c
      WHERE c.embedding_model = ${model} AND c.upload_id IN (SELECT id FROM uploads WHERE ${filters})
      GROUP BY c.upload_id
      ORDER BY distance
      LIMIT ${q.candidates}) part_nn`), sql` UNION ALL `);
  const similarity = spaces.length === 0 ? sql`0` : sql`CASE ${sql.join(spaces.map(({ model, dims, vec }) =>
    sql`WHEN u.embedding_model = ${model} THEN 1 - ((u.embedding::vector(${dims})) <=> ${vec}::vector(${dims}))`), sql` `)} ELSE 0 END`;
  const extras = q.facetsAndReasons !== false;
  return db.transaction().execute(async (trx) => {
    // SET LOCAL keeps the setting inside this transaction: safe behind a transaction-mode pooler.
    await sql`SET LOCAL hnsw.iterative_scan = relaxed_order`.execute(trx);
    await sql`SET LOCAL hnsw.ef_search = ${sql.lit(efSearchFor(q.candidates))}`.execute(trx);
    const { rows } = await sql<PageRow>`
      WITH q AS (
        -- Every word (websearch semantics) ranks first; files with only some of the words follow,
        -- so a natural-language query still has text matches. Negations keep the strict form,
        -- where OR would turn "-word" into "anything without word".
        SELECT s AS strict, CASE WHEN s::text LIKE '%!%' THEN s ELSE replace(s::text, ' & ', ' | ')::tsquery END AS loose
        FROM ${queryTsquery(q.text, q.related)} AS s
      ), vec_ranked AS (
        SELECT id, min(rnk) AS rnk, CASE WHEN min(rnk) > ${q.candidates} THEN max(part_similarity) END AS part_similarity
        FROM (${nearest}) ranked GROUP BY id
      ), every_word AS (
        -- Files with every word come first in the text ranker's list, so when they alone fill it, the
        -- files with only some words cannot reach it and are never ranked: each ranked match costs a
        -- heap visit, and a common word matches thousands of files at 100 000 (docs/BENCHMARKS.md,
        -- search). A file matches by its own text or by any of its parts
        -- (upload_chunks: every page of a long document, whose own text holds only the opening).
        SELECT id, true AS strict, max(rank) AS rank FROM (
          SELECT id, ts_rank_cd(${sql.lit(FIELD_WEIGHTS)}::float4[], search_tsv, q.loose, 32) AS rank
          FROM uploads, q
          WHERE ${filters} AND search_tsv @@ q.strict
          UNION ALL
          SELECT c.upload_id, ts_rank_cd(${sql.lit(FIELD_WEIGHTS)}::float4[], c.search_tsv, q.loose, 32)
          FROM upload_chunks c, q
          WHERE c.search_tsv @@ q.strict AND c.upload_id IN (SELECT id FROM uploads WHERE ${filters})
        ) parts
        GROUP BY id
        ORDER BY rank DESC
        LIMIT ${q.candidates}
      ), some_words AS (
        -- Only while the files with every word leave room (the condition is evaluated once, before
        -- any scan). Same rows and ranks as one pass over every match; a part's words weigh as little as D.
        SELECT id, bool_or(strict) AS strict, max(rank) AS rank FROM (
          SELECT id, search_tsv @@ q.strict AS strict, ts_rank_cd(${sql.lit(FIELD_WEIGHTS)}::float4[], search_tsv, q.loose, 32) AS rank
          FROM uploads, q
          WHERE ${filters} AND search_tsv @@ q.loose AND (SELECT count(*) FROM every_word) < ${q.candidates}
          UNION ALL
          SELECT c.upload_id, c.search_tsv @@ q.strict, ts_rank_cd(${sql.lit(FIELD_WEIGHTS)}::float4[], c.search_tsv, q.loose, 32)
          FROM upload_chunks c, q
          WHERE c.search_tsv @@ q.loose AND (SELECT count(*) FROM every_word) < ${q.candidates}
            AND c.upload_id IN (SELECT id FROM uploads WHERE ${filters})
        ) parts
        GROUP BY id
      ), fts AS (
        SELECT id, strict, row_number() OVER (ORDER BY strict DESC, rank DESC) AS rnk
        FROM (SELECT * FROM every_word WHERE (SELECT count(*) FROM every_word) >= ${q.candidates} UNION ALL SELECT * FROM some_words) matches
        ORDER BY rnk
        LIMIT ${q.candidates}
      ), fused AS (
        SELECT id, ${sql.lit(VECTOR_WEIGHT)} * COALESCE(1.0 / (${RRF_K} + v.rnk), 0) + COALESCE(CASE WHEN f.strict THEN ${sql.lit(TEXT_WEIGHT)} ELSE ${sql.lit(PARTIAL_TEXT_WEIGHT)} END / (${RRF_K} + f.rnk), 0) AS fused,
          COALESCE(f.strict, false) AS text_match, f.rnk IS NOT NULL AS by_text, v.rnk IS NOT NULL AS by_vector, v.part_similarity
        FROM vec_ranked v FULL OUTER JOIN fts f USING (id)
      ), measured AS (
        SELECT u.id, u.original_filename, u.file_type, u.file_size, u.created_at, u.content_date, u.camera, u.embedding_model,
          GREATEST(${similarity}, COALESCE(fused.part_similarity, 0)) AS similarity, fused.fused, fused.text_match, fused.by_text, fused.by_vector
        FROM fused JOIN uploads u USING (id)
      ), scored AS (
        SELECT measured.*, ${scaled(q.calibration, sql.ref('embedding_model'), sql.ref('file_type'), sql.ref('similarity'))} AS scaled FROM measured
      ), eligible AS (
        -- An exact-word hit is relevant by definition, however far its vector lies from the query's.
        SELECT * FROM scored WHERE text_match OR similarity >= ${q.minScore ?? 0}
      ), kept AS (
        SELECT * FROM eligible${q.cutoff ? sql` WHERE ${cutoffClause(q.cutoff)}` : sql``}
      ), page AS (
        SELECT kept.*, row_number() OVER (ORDER BY ${orderBy(q.sort, true)}) AS ord FROM kept
        ORDER BY ${orderBy(q.sort, true)}
        LIMIT ${q.limit} OFFSET ${q.offset ?? 0}
      ), facets AS (SELECT ${extras ? sql`${facetColumn('kept')}, ${placeFacets(q, 'kept')}` : NO_FACETS},
        ${q.cutoff ? sql`(SELECT count(*) FROM eligible) - (SELECT count(*) FROM kept)` : sql`0`}::int AS weaker)
      SELECT facets.*, r.* FROM facets LEFT JOIN (
        SELECT p.id, p.ord, p.similarity, COALESCE(p.scaled, p.similarity) AS calibrated, p.fused, p.text_match, p.by_text, p.by_vector, p.file_size, p.created_at, p.content_date,
          u.original_filename, u.file_type, u.mime_type, u.summary, u.thumbnail_uri, u.cloud_status, u.keep_local,
          ${extras ? sql`hs.summary_headline,
          -- The extracted text is read for a snippet only when the summary had none (ts_headline parses all it gets).
          CASE WHEN p.by_text AND strpos(COALESCE(hs.summary_headline, ''), ${SNIPPET_MARKS.start}) = 0 AND u.extracted_text IS NOT NULL
            THEN ts_headline('english', translate(left(u.extracted_text, ${SNIPPET_SOURCE_CHARS}), '«»', '‹›'), hq.loose, ${HEADLINE_OPTIONS}) END AS text_headline,
          CASE WHEN p.by_text THEN to_tsvector('english', ${nameWords(sql.ref('u.original_filename'))}) @@ hq.loose END AS name_match,
          -- Tags hold the objects the analyzer is sure of, so they are the matched tags and objects both;
          -- weighted B as in the file's document, where a related word's labels match (queryTsquery).
          CASE WHEN p.by_text THEN ARRAY(SELECT t FROM unnest(u.user_tags || u.tags) AS t WHERE setweight(to_tsvector('english', t), 'B') @@ hq.loose LIMIT 10) END AS matched` : NO_REASONS}
        FROM page p JOIN uploads u USING (id)
        ${extras ? sql`CROSS JOIN (SELECT CASE WHEN s::text LIKE '%!%' THEN s ELSE replace(s::text, ' & ', ' | ')::tsquery END AS loose
          FROM ${queryTsquery(q.text, q.related)} AS s) hq
        CROSS JOIN LATERAL (SELECT CASE WHEN p.by_text AND u.summary IS NOT NULL
          THEN ts_headline('english', translate(u.summary, '«»', '‹›'), hq.loose, ${HEADLINE_OPTIONS}) END AS summary_headline) hs` : sql``}
      ) r ON true
      ORDER BY r.ord`.execute(trx);
    return toPage(rows, extras ? undefined : { offset: q.offset ?? 0 });
  });
}

/** The cut-off's test (RelevanceCutoff) on a row of `eligible`: every word of the query, or near enough to the best result. */
function cutoffClause(c: RelevanceCutoff) {
  return sql`(text_match OR fused >= ${sql.lit(c.minRelative)} * (SELECT max(fused) FROM eligible))`;
}

/** The page of a ranked search, without its counts (what the older callers and tests read). */
export async function hybridSearch(db: Kysely<DB>, q: HybridQuery): Promise<HybridHit[]> {
  return (await rankedSearch(db, q)).hits;
}

/**
 * A query with filters but no words ("pdf from last March"): every matching file, in the order
 * asked for (newest first by default), paged, with the same counts as a ranked search.
 */
export async function filteredSearch(db: Kysely<DB>, q: Omit<HybridQuery, 'text' | 'spaces' | 'candidates'>): Promise<SearchPage> {
  await keepPlannerInformed(db);
  const { rows } = await sql<PageRow>`
    WITH matched AS (
      SELECT id, original_filename, file_type, file_size, created_at, content_date, camera FROM uploads WHERE ${filterClause(q)}
    ), page AS (
      SELECT matched.*, row_number() OVER (ORDER BY ${orderBy(q.sort, false)}) AS ord FROM matched
      ORDER BY ${orderBy(q.sort, false)}
      LIMIT ${q.limit} OFFSET ${q.offset ?? 0}
    ), facets AS (SELECT ${q.facetsAndReasons === false ? NO_FACETS : sql`${facetColumn('matched')}, ${placeFacets(q, 'matched')}`})
    SELECT facets.*, r.* FROM facets LEFT JOIN (
      SELECT p.id, p.ord, 0 AS similarity, 0 AS calibrated, 0 AS fused, false AS text_match, false AS by_text, false AS by_vector, p.file_size, p.created_at, p.content_date,
        u.original_filename, u.file_type, u.mime_type, u.summary, u.thumbnail_uri, u.cloud_status, u.keep_local,
        NULL::text AS summary_headline, NULL::text AS text_headline, NULL::boolean AS name_match, NULL::text[] AS matched
      FROM page p JOIN uploads u USING (id)
    ) r ON true
    ORDER BY r.ord`.execute(db);
  return toPage(rows, q.facetsAndReasons === false ? { offset: q.offset ?? 0 } : undefined);
}

/** Which of these embedding models the user's live files use: the spaces a search must look in. */
export async function vectorSpacesOf(db: Kysely<DB>, userId: string, models: readonly string[]): Promise<string[]> {
  const used: string[] = [];
  for (const model of models) {
    const row = await db.selectFrom('uploads').select('id').where('user_id', '=', userId).where('deleted_at', 'is', null)
      .where('embedding_model', '=', model).limit(1).executeTakeFirst();
    if (row) used.push(model);
  }
  return used;
}

/** A completed, live upload of this user with its stored vector (text form) and perceptual hash. */
export async function similaritySource(db: Kysely<DB>, userId: string, id: string) {
  const { rows } = await sql<{ id: string; embedding: string | null; embedding_model: string | null; phash: string | null }>`
    SELECT id, embedding::text AS embedding, embedding_model, metadata->>'phash' AS phash
    FROM uploads
    WHERE id = ${id} AND user_id = ${userId} AND deleted_at IS NULL AND processing_status = 'completed'`.execute(db);
  return rows[0];
}

/**
 * The nearest stored vectors to a given one (HNSW with iterative scan, as in hybridSearch), plus the
 * user's pictures whose perceptual hash is within `maxHashDistance` bits of `phash` even when their
 * vectors are not among the nearest. The source upload itself is left out. Unordered: the caller ranks.
 */
export async function similarUploads(db: Kysely<DB>, q: {
  userId: string; excludeId: string; vector: string | null; model: string; dimensions: number;
  phash: string | null; maxHashDistance: number; limit: number;
}): Promise<SimilarHit[]> {
  await keepPlannerInformed(db);
  const dims = sql.raw(String(Math.trunc(q.dimensions)));
  const filters = sql`user_id = ${q.userId} AND deleted_at IS NULL AND processing_status = 'completed' AND id <> ${q.excludeId}`;
  // All zeros is a flat picture (no brightness change anywhere): every flat picture has it, whatever its colour.
  const phash = q.phash && /^[0-9a-f]{16}$/i.test(q.phash) && !/^0+$/.test(q.phash) ? q.phash.toLowerCase() : null;
  const nearest = q.vector
    ? sql`SELECT id FROM (
        SELECT id FROM uploads
        WHERE ${filters} AND embedding_model = ${sql.lit(q.model)}
        ORDER BY (embedding::vector(${dims})) <=> ${q.vector}::vector(${dims})
        LIMIT ${q.limit}) nn`
    : sql`SELECT NULL::uuid AS id WHERE false`;
  const lookalikes = phash
    ? sql`SELECT id FROM uploads
        WHERE ${filters} AND file_type IN ('image', 'video') AND metadata->>'phash' ~ '^[0-9a-f]{16}$'
          AND bit_count(('x' || (metadata->>'phash'))::bit(64) # ('x' || ${phash})::bit(64)) <= ${q.maxHashDistance}
        LIMIT ${q.limit}`
    : sql`SELECT NULL::uuid AS id WHERE false`;
  return db.transaction().execute(async (trx) => {
    await sql`SET LOCAL hnsw.iterative_scan = relaxed_order`.execute(trx);
    await sql`SET LOCAL hnsw.ef_search = ${sql.lit(Math.max(40, q.limit))}`.execute(trx);
    const similarity = q.vector
      ? sql`CASE WHEN u.embedding_model = ${q.model}
          THEN 1 - ((u.embedding::vector(${dims})) <=> ${q.vector}::vector(${dims})) ELSE 0 END`
      : sql`0`;
    const { rows } = await sql<SimilarHit>`
      WITH candidates AS ((${nearest}) UNION (${lookalikes}))
      SELECT u.id, u.original_filename, u.file_type, u.mime_type, u.file_size, u.summary, u.thumbnail_uri, u.created_at, u.content_date,
        u.cloud_status, u.keep_local, ${similarity} AS similarity, u.metadata->>'phash' AS phash
      FROM candidates JOIN uploads u USING (id)`.execute(trx);
    return rows.map((r) => ({ ...r, similarity: Number(r.similarity), file_size: Number(r.file_size) }));
  });
}

/** At most one look at the statistics per database per minute; the look itself is one catalog query. */
const MAINTENANCE_EVERY_MS = 60_000;
const maintenance = new WeakMap<Kysely<DB>, { embedded: boolean | undefined; lastRun: number; running?: Promise<void> | undefined }>();

/**
 * PGlite runs no autovacuum (and its activity counters stay at zero), so nothing ever ANALYZEs
 * `uploads` there. Without statistics the planner assumes each equality filter of the query keeps
 * 0.5 % of the rows, believes the user has a handful of completed files, and picks the user_id btree
 * plus a sort of every vector by distance (2.5–3.5 s at 100 000 files; measured in bench/search.ts)
 * over the HNSW index (~5–50 ms), and that btree over the GIN index for the text ranker. So, on
 * PGlite only (Postgres has autovacuum for this): ANALYZE the columns the plan depends on when they
 * have no statistics yet or the table has grown by a fifth since (pages now vs `relpages`, which
 * ANALYZE updates), and merge the GIN index's pending list, which otherwise holds up to 4 MB of new
 * entries that every text search reads through.
 */
async function keepPlannerInformed(db: Kysely<DB>): Promise<void> {
  const state = maintenance.get(db) ?? { embedded: undefined, lastRun: -Infinity };
  maintenance.set(db, state);
  if (state.running) return state.running;
  if (state.embedded === false || Date.now() - state.lastRun < MAINTENANCE_EVERY_MS) return;
  state.lastRun = Date.now();
  state.running = (async () => {
    state.embedded ??= (await sql<{ v: string }>`SELECT version() AS v`.execute(db)).rows[0]?.v.includes('PGlite') ?? false;
    if (!state.embedded) return;
    const { rows } = await sql<{ pages: number; relpages: number; analyzed: boolean }>`
      SELECT (pg_relation_size(c.oid) / current_setting('block_size')::int)::int AS pages, c.relpages,
        EXISTS (SELECT 1 FROM pg_stats s WHERE s.tablename = 'uploads' AND s.attname = 'user_id') AS analyzed
      FROM pg_class c WHERE c.oid = 'uploads'::regclass`.execute(db);
    const t = rows[0];
    if (t && (!t.analyzed || t.pages > t.relpages * 1.2 + 8)) {
      await sql`ANALYZE uploads (user_id, processing_status, embedding_model, deleted_at, file_type, mime_type, created_at, content_date)`.execute(db);
    }
    await sql`SELECT gin_clean_pending_list('uploads_search_tsv'::regclass)`.execute(db);
  })().catch(() => undefined).finally(() => {
    state.running = undefined;
  });
  return state.running;
}

export async function recordSearch(
  db: Kysely<DB>, entry: { userId: string; query: string; filters: Record<string, unknown>; resultCount: number; latencyMs: number },
): Promise<string> {
  const id = randomUUID();
  await db.insertInto('search_history').values({
    id, user_id: entry.userId, query: entry.query, filters: JSON.stringify(entry.filters),
    result_count: entry.resultCount, latency_ms: entry.latencyMs,
  }).execute();
  return id;
}

export async function searchHistory(db: Kysely<DB>, userId: string, limit: number, offset: number) {
  const base = db.selectFrom('search_history').where('user_id', '=', userId);
  const [rows, count] = await Promise.all([
    base.select(['id', 'query', 'result_count', 'latency_ms', 'created_at'])
      .orderBy('created_at', 'desc').limit(limit).offset(offset).execute(),
    base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow(),
  ]);
  return { rows, total: Number(count.n) };
}

/**
 * Forgets one of the user's searches: that entry and every other of theirs with the same query
 * (a list of recent searches shows each query once, so one removal must not reveal an older copy).
 * 0 when the id is not one of this user's entries.
 */
export async function forgetSearch(db: Kysely<DB>, userId: string, id: string): Promise<number> {
  const result = await db.deleteFrom('search_history').where('user_id', '=', userId)
    .where('query', '=', (eb) => eb.selectFrom('search_history').select('query').where('id', '=', id).where('user_id', '=', userId))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Forgets all of the user's searches. */
export async function clearSearchHistory(db: Kysely<DB>, userId: string): Promise<number> {
  const result = await db.deleteFrom('search_history').where('user_id', '=', userId).executeTakeFirst();
  return Number(result.numDeletedRows);
}
