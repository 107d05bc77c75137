/**
 * Fits the constants of server/services/search-calibration.ts on a kept dev index (issue 11, items 8
 * and 9). Dev only: validation is never read here.
 *
 *   npm run eval -- --split dev --data-dir /tmp/trove-eval     # builds and keeps the dev index
 *   npx tsx eval/calibrate.ts --data-dir /tmp/trove-eval/dev   # prints the scales and the cut-off table
 *
 * 1. The similarity scales: for every dev query and every dev file, the cosine similarity of the
 *    query's vector and the file's, summarised per vector space and file type (mean, spread).
 * 2. The cut-off: every dev query (and, as `npm run eval` does, again per type it grades) is searched
 *    through the repository with those scales and without a cut-off; each candidate cut-off is then
 *    applied to the full ranked lists and scored as the eval scores them (nDCG@10, recall@10, P@5,
 *    results per query). Applying it here in TypeScript mirrors cutoffClause in db/search-repo.ts.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { DEFAULT_MIN_SCORE, type SearchBody } from '../shared/api/schemas.ts';
import { FILE_TYPES, type FileType } from '../shared/file-types.ts';
import { OfflineEmbedder } from '../server/analysis/offline-embedder.ts';
import { openDatabase } from '../server/db/database.ts';
import { rankedSearch, type HybridHit, type RelevanceCutoff, type SimilarityScale } from '../server/db/search-repo.ts';
import { toVectorLiteral } from '../server/db/uploads-repo.ts';
import { DEFAULT_CUTOFF, SIMILARITY_SCALES } from '../server/services/search-calibration.ts';
import { interpretSearch, repositoryFilters } from '../server/services/search-interpretation.ts';
import { loadPlaces } from '../server/services/search-places.ts';
import { relatedTerms } from '../server/vocabulary/related-words.ts';
import { ROOT, type Query, type WideQuery } from './lib.ts';
import { mean, score } from './metrics.ts';

const argValue = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const K = 10;

interface Judged { hits: HybridHit[]; grades: Record<string, number> }

async function main(): Promise<void> {
  const dataDir = argValue('--data-dir');
  if (!dataDir) throw new Error('--data-dir DIR/dev (a kept dev index of npm run eval) is required');
  if (path.basename(dataDir) === 'validation') throw new Error('calibrate on dev only');
  const tuned = JSON.parse(await fs.readFile(path.join(ROOT, 'eval/queries.json'), 'utf8')) as Query[];
  const wide = JSON.parse(await fs.readFile(path.join(ROOT, 'eval/queries-wide.json'), 'utf8')) as WideQuery[];
  const queries = [...tuned, ...wide.filter((q) => q.split === 'dev')];

  const database = await openDatabase({ dataDir });
  const embedder = new OfflineEmbedder();
  try {
    const { db } = database;
    const files = await db.selectFrom('uploads').select(['id', 'user_id', 'original_filename', 'file_type', 'embedding_model'])
      .where('deleted_at', 'is', null).where('processing_status', '=', 'completed').execute();
    const userId = files[0]?.user_id;
    if (!userId) throw new Error(`no processed files in ${dataDir}`);
    const nameOf = new Map(files.map((f) => [f.id, f.original_filename]));
    const typeOf = new Map(files.map((f) => [f.original_filename, f.file_type]));
    const vectors = new Map<string, number[]>();
    for (const q of queries) vectors.set(q.query, (await embedder.embed([q.query]))[0]!);

    // 1. Scales per space and type.
    const sims = new Map<string, number[]>();
    for (const q of queries) {
      const { rows } = await sql<{ model: string; file_type: FileType; sim: number }>`
        SELECT embedding_model AS model, file_type, 1 - ((embedding::vector(512)) <=> ${toVectorLiteral(vectors.get(q.query)!)}::vector(512)) AS sim
        FROM uploads WHERE deleted_at IS NULL AND processing_status = 'completed' AND embedding_model = ${embedder.model}`.execute(db);
      for (const r of rows) {
        const key = `${r.model}\t${r.file_type}`;
        sims.set(key, [...(sims.get(key) ?? []), Number(r.sim)]);
      }
    }
    const fitted: Record<string, SimilarityScale> = {};
    console.log('\nSimilarity per space and type over every dev query × dev file');
    console.log('| Space | Type | Pairs | Mean | Spread | p90 | p99 |');
    console.log('|---|---|---|---|---|---|---|');
    for (const [key, list] of [...sims].sort()) {
      const [model, type] = key.split('\t') as [string, FileType];
      const m = list.reduce((a, b) => a + b, 0) / list.length;
      const sd = Math.sqrt(list.reduce((a, b) => a + (b - m) ** 2, 0) / list.length);
      const sorted = [...list].sort((a, b) => a - b);
      const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
      (fitted[model] ??= {})[type] = { mean: round(m), spread: round(sd) };
      console.log(`| ${model} | ${type} | ${list.length} | ${m.toFixed(4)} | ${sd.toFixed(4)} | ${at(0.9).toFixed(3)} | ${at(0.99).toFixed(3)} |`);
    }
    console.log(`\nfitted: ${JSON.stringify(fitted)}`);

    // 2. Full ranked lists, without a cut-off, with each calibration (none, the module's, the fitted one).
    const places = await loadPlaces(db, userId);
    const searchAll = async (calibration: Record<string, SimilarityScale> | undefined): Promise<{ overall: Judged[]; perType: Record<FileType, Judged[]> }> => {
      const overall: Judged[] = [];
      const perType = Object.fromEntries(FILE_TYPES.map((t) => [t, [] as Judged[]])) as Record<FileType, Judged[]>;
      const run = async (query: string, fileTypes?: FileType[]) => {
        const body: SearchBody = { query, limit: K, ...(fileTypes ? { file_types: fileTypes } : {}) };
        const interpreted = interpretSearch(query, body, new Date(), places);
        const page = await rankedSearch(db, {
          userId, limit: 1000, ...repositoryFilters(interpreted.filters, places), text: interpreted.text, related: relatedTerms(interpreted.text),
          spaces: [{ vector: (await embedder.embed([interpreted.text]))[0]!, model: embedder.model, dimensions: embedder.dimensions }],
          candidates: 100, minScore: DEFAULT_MIN_SCORE, calibration, sort: 'relevance',
        });
        return page.hits;
      };
      for (const q of queries) {
        overall.push({ hits: await run(q.query), grades: q.relevant });
        for (const type of FILE_TYPES) {
          const grades = Object.fromEntries(Object.entries(q.relevant).filter(([f]) => typeOf.get(f) === type));
          if (Object.keys(grades).length > 0) perType[type].push({ hits: await run(q.query, [type]), grades });
        }
      }
      return { overall, perType };
    };
    const table = (label: string, runs: { overall: Judged[]; perType: Record<FileType, Judged[]> }, cutoff: RelevanceCutoff | undefined) => {
      const cell = (list: Judged[]) => {
        const s = mean(list.map((j) => {
          const kept = cutoff ? applyCutoff(j.hits, cutoff) : j.hits;
          return score(kept.map((h) => nameOf.get(h.id) ?? h.id), j.grades, K, kept.length);
        }));
        return `${s.ndcg.toFixed(3)} / ${s.recall.toFixed(3)} / ${s.p5.toFixed(3)} / ${s.count.toFixed(1)}`;
      };
      return `| ${label} | ${cell(runs.overall)} | ${FILE_TYPES.map((t) => cell(runs.perType[t])).join(' | ')} |`;
    };
    const header = `| Run | overall | ${FILE_TYPES.join(' | ')} |\n|---|---|${FILE_TYPES.map(() => '---').join('|')}|`;
    console.log('\nCells: nDCG@10 / recall@10 / P@5 / results per query (dev)');
    console.log(header);
    const raw = await searchAll(undefined);
    console.log(table('raw similarity, no cut-off', raw, undefined));
    const scaled = await searchAll(fitted);
    console.log(table('fitted scales, no cut-off', scaled, undefined));
    const same = JSON.stringify(SIMILARITY_SCALES) === JSON.stringify(fitted);
    const current = Object.keys(SIMILARITY_SCALES).length > 0 && !same ? await searchAll({ ...SIMILARITY_SCALES }) : undefined;
    if (current) console.log(table('module scales, no cut-off', current, undefined));
    const base = current ?? scaled;
    console.log(table(`module cut-off ${JSON.stringify(DEFAULT_CUTOFF)}`, base, DEFAULT_CUTOFF));
    // A first grid (absolute bars on the calibrated similarity of 0.5–3, for files with and without
    // some of the words, with relative bars 0–0.5) showed that any absolute bar costs nDCG (video most:
    // its relevant files lie near the type's mean), while the relative bar alone shortens the list at no
    // cost up to 0.45. A file with every word of the query always stays (a search for a word lists every
    // file holding it).
    for (const minRelative of [0, 0.3, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]) {
      const c = { minRelative };
      console.log(table(JSON.stringify(c), base, c));
    }
  } finally {
    await embedder.close();
    await database.close();
  }
}

/** cutoffClause (db/search-repo.ts) on a full ranked list, in TypeScript. */
function applyCutoff(hits: HybridHit[], c: RelevanceCutoff): HybridHit[] {
  const best = Math.max(0, ...hits.map((h) => h.fused));
  return hits.filter((h) => h.text_match || h.fused >= c.minRelative * best);
}

const round = (n: number) => Math.round(n * 10_000) / 10_000;

await main();
