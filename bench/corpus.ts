/**
 * The synthetic library the search benchmark queries: N completed uploads whose vectors are
 * random but clustered, loaded with a few `INSERT … SELECT` statements that compute every row in
 * the database, then indexed (HNSW) after the load, as the server's ensureVectorIndex does.
 *
 * Each row's vector is `l2_normalize(centroid[i % C] + noiseA[(i / C) % A] + noiseB[i % B])`. The
 * centroids are the real model's embeddings of C topic phrases, so real query embeddings land near
 * real clusters (as they would in a real library); the noise tables are small, seeded, and known to
 * the benchmark, which rebuilds every vector in a Float32Array for the brute-force floor.
 */
import { sql, type Kysely } from 'kysely';
import type { DB } from '../server/db/schema.ts';
import { ensureUser } from '../server/db/users-repo.ts';
import { prng } from '../test/helpers/prng.ts';

export const TOPICS = [
  'sunset over a lake', 'dog playing on the beach', 'invoice from the plumber', 'birthday party with cake and candles',
  'hiking trail in the mountains', 'city skyline at night', 'cat sleeping on the sofa', 'wedding ceremony in a garden',
  'snowy forest in winter', 'family dinner at the kitchen table', 'football match in a stadium', 'boats in a harbour',
  'bank statement for March', 'tax return documents', 'rental contract for the flat', 'train ticket to Paris',
  'recipe for chocolate cake', 'lecture about the moon landing', 'podcast about climate change', 'piano concert recording',
  'guitar practice session', 'children playing in the park', 'road trip through the desert', 'flowers in a spring meadow',
  'old castle on a hill', 'street market with fruit stalls', 'car repair receipt', 'medical test results',
  'school report card', 'conference slides about databases', 'meeting notes from the project kickoff', 'holiday photos from Italy',
  'fireworks on new year eve', 'rainy street with umbrellas', 'coffee cup on a wooden desk', 'bicycle leaning against a wall',
  'airplane wing above the clouds', 'swimming pool in summer', 'christmas tree with presents', 'graduation ceremony',
  'newborn baby sleeping', 'horse riding in the countryside', 'waterfall in the jungle', 'northern lights over the fjord',
  'museum painting exhibition', 'bird on a tree branch', 'fishing at dawn', 'camping tent by the river',
  'electricity bill', 'insurance policy letter', 'job application cover letter', 'passport scan',
  'voice memo about groceries', 'interview recording for the newspaper', 'drone video of the coastline', 'time-lapse of clouds',
  'skateboarding tricks video', 'cooking pasta tutorial video', 'dance performance on stage', 'zoo visit with elephants',
  'garden vegetables harvest', 'workshop with wood tools', 'laptop screenshot of an error', 'handwritten letter from grandma',
] as const;

const DETAILS = [
  'bright colours', 'soft light', 'a wide angle', 'close up', 'blurry background', 'two people', 'a group of friends',
  'an old camera', 'high contrast', 'black and white', 'long exposure', 'morning fog', 'golden hour', 'heavy rain',
  'a red umbrella', 'green hills', 'blue sky', 'wooden bench', 'stone bridge', 'quiet street',
];
const PLACES = [
  'Berlin', 'Lisbon', 'Oslo', 'Kyoto', 'Toronto', 'Nairobi', 'Lima', 'Sydney', 'Vienna', 'Seoul', 'Dublin', 'Porto',
  'Madrid', 'Prague', 'Reykjavik', 'Chicago',
];

/** Queries sent to the search endpoint: some name a topic, some only brush one, some match words only. */
export const QUERIES = [
  'sunset over a lake', 'the invoice from the plumber', 'dog on the beach', 'talk about the moon landing',
  'snow in the forest', 'birthday cake', 'mountain hike', 'night city lights', 'bank statement', 'holiday in Italy',
  'wedding photos', 'piano music', 'kids at the playground', 'tax documents 2023', 'boats harbour Lisbon',
  'receipt for the car', 'northern lights', 'cooking video', 'grandma letter', 'meeting notes',
];

export const NOISE_A = 1000;
export const NOISE_B = 1009;
/** Per-dimension spread of each noise table; with two tables a row sits at cosine ~0.75 from its centroid. */
const NOISE_SIGMA = 0.026;


function gaussianTable(rows: number, dims: number, sigma: number, seed: number): Float32Array {
  const rand = prng(seed);
  const out = new Float32Array(rows * dims);
  for (let i = 0; i < out.length; i += 2) {
    // Box–Muller: two normals per pair of uniforms.
    const r = Math.sqrt(-2 * Math.log(1 - rand())) * sigma;
    const t = 2 * Math.PI * rand();
    out[i] = r * Math.cos(t);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(t);
  }
  return out;
}

export interface Corpus {
  dims: number;
  centroids: Float32Array;
  noiseA: Float32Array;
  noiseB: Float32Array;
}

export async function makeCorpus(embed: (texts: string[]) => Promise<number[][]>): Promise<Corpus> {
  const vectors = await embed([...TOPICS]);
  const dims = vectors[0]!.length;
  const centroids = new Float32Array(TOPICS.length * dims);
  vectors.forEach((v, i) => centroids.set(v, i * dims));
  return { dims, centroids, noiseA: gaussianTable(NOISE_A, dims, NOISE_SIGMA, 1), noiseB: gaussianTable(NOISE_B, dims, NOISE_SIGMA, 2) };
}

/** Rows `from`..`to-1` of the library's vectors, exactly as pgvector computes them (float32 sums, double norm). */
export function corpusVectors(c: Corpus, from: number, to: number, into = new Float32Array((to - from) * c.dims)): Float32Array {
  const d = c.dims;
  const C = TOPICS.length;
  const tmp = new Float32Array(d);
  for (let i = from; i < to; i++) {
    const ci = (i % C) * d;
    const ai = (Math.floor(i / C) % NOISE_A) * d;
    const bi = (i % NOISE_B) * d;
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const v = Math.fround(Math.fround(c.centroids[ci + j]! + c.noiseA[ai + j]!) + c.noiseB[bi + j]!);
      tmp[j] = v;
      norm += v * v;
    }
    norm = Math.sqrt(norm);
    const out = (i - from) * d;
    for (let j = 0; j < d; j++) into[out + j] = tmp[j]! / norm;
  }
  return into;
}

const literal = (v: Float32Array): string => `[${Array.from(v).join(',')}]`;

async function loadTable(db: Kysely<DB>, table: string, data: Float32Array, dims: number): Promise<void> {
  await sql`CREATE TABLE ${sql.id(table)} (k int PRIMARY KEY, v vector(${sql.raw(String(dims))}))`.execute(db);
  const rows = data.length / dims;
  for (let start = 0; start < rows; start += 200) {
    const values = [];
    for (let k = start; k < Math.min(rows, start + 200); k++) values.push(sql`(${k}, ${literal(data.subarray(k * dims, (k + 1) * dims))}::vector)`);
    await sql`INSERT INTO ${sql.id(table)} (k, v) VALUES ${sql.join(values)}`.execute(db);
  }
}

/**
 * Adds rows `from`..`to-1` to the owner's library (`local:owner`, the user the bench's token maps
 * to). Every row is a completed upload with a vector, a summary and a full-text document. Returns ms.
 */
export async function loadRows(db: Kysely<DB>, c: Corpus, from: number, to: number, model: string): Promise<number> {
  const started = performance.now();
  const user = await ensureUser(db, 'local:owner');
  const tables = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_class WHERE relname = 'bench_centroids'`.execute(db);
  if (tables.rows[0]!.n === 0) {
    await loadTable(db, 'bench_centroids', c.centroids, c.dims);
    await loadTable(db, 'bench_noise_a', c.noiseA, c.dims);
    await loadTable(db, 'bench_noise_b', c.noiseB, c.dims);
  }
  const C = TOPICS.length;
  const types = ['image', 'image', 'image', 'image', 'image', 'image', 'document', 'document', 'video', 'audio'];
  const exts: Record<string, [string, string]> = { image: ['jpg', 'image/jpeg'], document: ['pdf', 'application/pdf'], video: ['mp4', 'video/mp4'], audio: ['mp3', 'audio/mpeg'] };
  for (let lo = from; lo < to; lo += 10_000) {
    const hi = Math.min(to, lo + 10_000);
    await sql`
      INSERT INTO uploads (id, user_id, storage_uri, original_filename, file_type, file_size, mime_type, file_hash,
        processing_status, processing_completed_at, summary, tags, token_count, embedding, embedding_model, analysis_model,
        search_tsv, metadata, user_metadata, created_at, updated_at, content_date)
      SELECT id, ${user.id}::uuid, 'bench/' || i, name, ftype, 1000 + i, mime, lpad(to_hex(i), 64, '0'),
        'completed', created, summary, ARRAY[ftype, lower(place)], 30, vec, ${model}, 'bench-synthetic',
        setweight(to_tsvector('english', replace(name, '_', ' ')), 'A') || setweight(to_tsvector('english', summary), 'B')
          || setweight(to_tsvector('english', ftype || ' ' || place), 'B'),
        '{}', '{}', created, created, created
      FROM (
        SELECT i, gen_random_uuid() AS id, l2_normalize(c.v + a.v + b.v) AS vec,
          (${types}::text[])[i % 10 + 1] AS ftype,
          (${TOPICS}::text[])[i % ${C} + 1] || ', ' || (${DETAILS}::text[])[(i / 7) % ${DETAILS.length} + 1]
            || ', ' || (${PLACES}::text[])[(i / 3) % ${PLACES.length} + 1] || '.' AS summary,
          (${PLACES}::text[])[(i / 3) % ${PLACES.length} + 1] AS place,
          now() - make_interval(mins => i * 17 % 2628000) AS created
        FROM generate_series(${lo}::int, ${hi - 1}::int) AS i
        JOIN bench_centroids c ON c.k = i % ${C}
        JOIN bench_noise_a a ON a.k = (i / ${C}) % ${NOISE_A}
        JOIN bench_noise_b b ON b.k = i % ${NOISE_B}
      ) g, LATERAL (SELECT
          CASE ftype WHEN 'image' THEN 'IMG_' WHEN 'document' THEN 'Scan_' WHEN 'video' THEN 'VID_' ELSE 'Rec_' END || i || '.'
            || (${JSON.stringify(exts)}::jsonb -> ftype ->> 0) AS name,
          ${JSON.stringify(exts)}::jsonb -> ftype ->> 1 AS mime) n`.execute(db);
  }
  return performance.now() - started;
}

export async function dropHelperTables(db: Kysely<DB>): Promise<void> {
  await sql`DROP TABLE IF EXISTS bench_centroids, bench_noise_a, bench_noise_b`.execute(db);
}

/** The top-k of `query` over `n` unit vectors by plain dot products: the floor any vector search is measured against. */
export function bruteForceTopK(vectors: Float32Array, n: number, dims: number, query: Float32Array, k: number): Int32Array {
  const topIdx = new Int32Array(k).fill(-1);
  const topSim = new Float64Array(k).fill(-Infinity);
  let worst = -Infinity;
  for (let i = 0; i < n; i++) {
    const base = i * dims;
    let dot = 0;
    for (let j = 0; j < dims; j++) dot += vectors[base + j]! * query[j]!;
    if (dot <= worst) continue;
    // Insert into the sorted top-k (descending); k is small, so a shift is cheaper than a heap.
    let p = k - 1;
    while (p > 0 && topSim[p - 1]! < dot) {
      topSim[p] = topSim[p - 1]!;
      topIdx[p] = topIdx[p - 1]!;
      p--;
    }
    topSim[p] = dot;
    topIdx[p] = i;
    worst = topSim[k - 1]!;
  }
  return topIdx;
}
