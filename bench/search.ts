/**
 * Search: latency of `POST /api/v1/search` over real HTTP (query embedding with the real model
 * included) at growing library sizes, against the floor: the same query embedded in-process plus a
 * brute-force scan of the same vectors in plain JS. Also: the SQL alone, the embedding alone,
 * the query plan, the vector ranker's recall, and how long loading and indexing took; and what
 * facets and reasons cost (issue 15): the search with them against the same search without them
 * (SearchService in-process, then the SQL alone), in the same run, with both query plans.
 */
import os from 'node:os';
import { CompiledQuery, Kysely, PostgresDialect, sql } from 'kysely';
import { OfflineEmbedder } from '../server/analysis/index.ts';
import { openDatabase, type Database } from '../server/db/database.ts';
import { ensureVectorIndex, HNSW_BUILD, migrateToLatest, vectorIndexName } from '../server/db/migrate.ts';
import type { DB } from '../server/db/schema.ts';
import { efSearchFor, hybridSearch, rankedSearch, type HybridQuery } from '../server/db/search-repo.ts';
import { userTerms } from '../server/db/suggestions-repo.ts';
import { ensureUser } from '../server/db/users-repo.ts';
import { Metrics } from '../server/metrics.ts';
import { FileLinks } from '../server/services/file-links.ts';
import { SearchService } from '../server/services/search-service.ts';
import { SuggestionVocabulary } from '../server/services/suggestion-vocabulary.ts';
import { HmacUrlSigner } from '../server/storage/url-signer.ts';
import { bruteForceTopK, corpusVectors, dropHelperTables, loadRows, makeCorpus, QUERIES, type Corpus } from './corpus.ts';
import {
  log, median, percentile, round, slower, startChildServer, tempDir, timed, type BenchOptions, type Row, type SectionResult,
} from './lib.ts';

const MODEL = 'use-lite-512';
const DIMS = 512;
/** What SearchService asks each ranker for (its CANDIDATES constant). */
const CANDIDATES = 100;
const LIMIT = 20;

interface Captured {
  statement: CompiledQuery;
  settings: CompiledQuery[];
}

/** Runs the server's ranked search once through a logging Kysely to capture its SQL and settings. */
async function captureHybrid(database: Database, q: HybridQuery): Promise<Captured> {
  const captured: CompiledQuery[] = [];
  const spy = new Kysely<DB>({
    dialect: new PostgresDialect({ pool: database.pool }),
    log: (e) => {
      if (e.level === 'query') captured.push(e.query);
    },
  });
  await rankedSearch(spy, q);
  const statement = captured.find((c) => c.sql.includes('websearch_to_tsquery'));
  if (!statement) throw new Error('did not see the hybrid search statement');
  return { statement, settings: captured.filter((c) => /^\s*SET LOCAL/i.test(c.sql)) };
}

/**
 * Runs the captured statement (EXPLAIN ANALYZE once, then timed `runs` times) in one transaction
 * that is rolled back; `withoutStatistics` deletes the table's planner statistics inside it, to
 * show what the planner does where nothing ever ran ANALYZE.
 */
async function runCaptured(database: Database, c: Captured, runs: number, withoutStatistics: boolean): Promise<{ plan: string; ms: number[] }> {
  const ROLLBACK = new Error('rollback');
  let out: { plan: string; ms: number[] } | undefined;
  await database.db.transaction().execute(async (trx) => {
    if (withoutStatistics) await sql`DELETE FROM pg_statistic WHERE starelid = 'uploads'::regclass`.execute(trx);
    for (const s of c.settings) await trx.executeQuery(s);
    const explained = await trx.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN (ANALYZE, COSTS) ${c.statement.sql}`, [...c.statement.parameters]));
    const ms: number[] = [];
    for (let i = 0; i < runs; i++) ms.push((await timed(() => trx.executeQuery(c.statement))).ms);
    out = { plan: explained.rows.map((r) => r['QUERY PLAN']).join('\n'), ms };
    throw ROLLBACK;
  }).catch((err: unknown) => {
    if (err !== ROLLBACK) throw err;
  });
  return out!;
}

const usesHnsw = (plan: string) => plan.includes(vectorIndexName(MODEL));
/** The plan without the 512 numbers of the query vector. */
const shortPlan = (plan: string) => plan.replace(/'\[[-0-9.,e]+\]'/g, "'[…]'");

/** Share of the true top-k (brute force) that the vector ranker alone returns. */
async function vectorRecall(database: Database, c: Corpus, vectors: Float32Array, n: number, queries: Float32Array[], k: number): Promise<number> {
  let hits = 0;
  for (const q of queries) {
    const truth = new Set(Array.from(bruteForceTopK(vectors, n, c.dims, q, k)).map((i) => `bench/${i}`));
    const found = await database.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL hnsw.iterative_scan = relaxed_order`.execute(trx);
      await sql`SET LOCAL hnsw.ef_search = ${sql.lit(efSearchFor(CANDIDATES))}`.execute(trx);
      const lit = `[${Array.from(q).join(',')}]`;
      const { rows } = await sql<{ storage_uri: string }>`SELECT storage_uri FROM uploads
        WHERE embedding_model = ${sql.lit(MODEL)} AND deleted_at IS NULL AND processing_status = 'completed'
        ORDER BY (embedding::vector(512)) <=> ${lit}::vector(512) LIMIT ${k}`.execute(trx);
      return rows;
    });
    hits += found.filter((r) => truth.has(r.storage_uri)).length;
  }
  return hits / (queries.length * k);
}

export async function searchBench(opts: BenchOptions): Promise<SectionResult> {
  const scales = opts.quick ? [1_000, 10_000] : [1_000, 10_000, 100_000];
  const rounds = opts.quick ? 2 : 5;
  const rows: Row[] = [];
  const details: Record<string, unknown> = {};
  const { dir, remove } = await tempDir('search');
  const embedder = new OfflineEmbedder();
  try {
    await embedder.warmUp();
    const corpus = await makeCorpus((t) => embedder.embed(t));

    // The query embedding alone: the same call the server makes (Embedder.embed, one text).
    const embedMs: number[][] = [];
    const queryVectors: Float32Array[] = [];
    for (const q of QUERIES) queryVectors.push(Float32Array.from((await embedder.embed([q]))[0]!));
    for (let r = 0; r < rounds; r++) {
      embedMs.push([]);
      for (const q of QUERIES) embedMs[r]!.push((await timed(() => embedder.embed([q]))).ms);
    }
    const allEmbed = embedMs.flat();
    rows.push({ section: 'search', name: 'query embedding alone (USE-lite, one query) p50', value: round(percentile(allEmbed, 50)), unit: 'ms' });
    rows.push({ section: 'search', name: 'query embedding alone p95', value: round(percentile(allEmbed, 95)), unit: 'ms' });

    const dataDir = `${dir}/data`;
    let loaded = 0;
    let insertMsTotal = 0;
    const buildCpuS: Record<number, number> = {};
    for (const n of scales) {
      const label = n.toLocaleString('en');
      // 1. Load (or grow) the library with the vector index dropped; build the index after the load.
      let database = await openDatabase({ dataDir });
      try {
        await migrateToLatest(database.db);
        await sql`DROP INDEX IF EXISTS ${sql.id(vectorIndexName(MODEL))}`.execute(database.db);
        log(`search: loading rows ${loaded}..${n}`);
        insertMsTotal += await loadRows(database.db, corpus, loaded, n, MODEL);
        loaded = n;
        await dropHelperTables(database.db);
        // The server's own build, as at start-up (its maintenance_work_mem and HNSW parameters).
        // PGlite runs in this process, so the CPU time it took is this process's: unlike the wall
        // time, it does not grow with what else the machine runs.
        log(`search: building the HNSW index over ${label} rows`);
        const loadAvg = os.loadavg().map((x) => x.toFixed(1)).join(' / ');
        const cpuBefore = process.cpuUsage();
        const indexMs = (await timed(() => ensureVectorIndex(database.db, MODEL, DIMS))).ms;
        const cpu = process.cpuUsage(cpuBefore);
        const indexCpuS = (cpu.user + cpu.system) / 1e6;
        buildCpuS[n] = round(indexCpuS, 1);
        rows.push({ section: 'search', name: `load ${label} items: bulk insert (cumulative)`, value: round(insertMsTotal / 1000), unit: 's' });
        rows.push({
          section: 'search', name: `load ${label} items: HNSW build after the load`, value: round(indexMs / 1000), unit: 's',
          ...(n === 100_000 ? { goal: '≤ 60 s', met: indexMs <= 60_000 } : {}),
          note: `CPU ${round(indexCpuS, 1)} s (load average ${loadAvg}); m ${HNSW_BUILD.m}, ef_construction ${HNSW_BUILD.efConstruction}`,
        });
      } finally {
        await database.close();
      }

      // 2. Over HTTP, against the real server in its own process (its first search is a warm-up).
      const server = await startChildServer(dataDir);
      const httpMs: number[] = [];
      const serverMs: number[] = [];
      let firstMs: number;
      try {
        firstMs = (await searchOnceReady(server)).ms;
        for (let r = 0; r < rounds; r++) {
          for (const q of QUERIES) {
            const res = await server.search(q, LIMIT);
            httpMs.push(res.ms);
            serverMs.push(res.serverMs);
          }
        }
      } finally {
        await server.stop();
      }

      // 3. In-process: the server's SQL alone (no HTTP, no embedding), its plan with the statistics
      //    the server now keeps and without any (as before it did), and the vector ranker's recall.
      database = await openDatabase({ dataDir });
      let sqlMs: number[];
      let withStats: { plan: string; ms: number[] };
      let noStats: { plan: string; ms: number[] };
      let recall: number;
      let extras: ExtrasCost;
      let suggest: { readMs: number[]; matchMs: number[] };
      const vectors = corpusVectors(corpus, 0, n);
      try {
        const user = await ensureUser(database.db, 'local:owner');
        const hq = (i: number): HybridQuery => ({
          userId: user.id, text: QUERIES[i]!, spaces: [{ vector: Array.from(queryVectors[i]!), model: MODEL, dimensions: DIMS }], limit: LIMIT, candidates: CANDIDATES,
        });
        sqlMs = [];
        for (let r = 0; r < rounds; r++) {
          for (let i = 0; i < QUERIES.length; i++) sqlMs.push((await timed(() => hybridSearch(database.db, hq(i)))).ms);
        }
        extras = await facetsAndReasonsCost(database, user.id, embedder, hq, rounds);
        suggest = await suggestionsCost(database, user.id, rounds);
        const captured = await captureHybrid(database, hq(0));
        withStats = await runCaptured(database, captured, 3, false);
        extras.plans = {
          with: shortPlan(withStats.plan),
          without: shortPlan((await runCaptured(database, await captureHybrid(database, { ...hq(0), facetsAndReasons: false }), 1, false)).plan),
          // What the server runs for a user without folders or collections (this corpus's user).
          withoutPlaceFacets: shortPlan((await runCaptured(database, await captureHybrid(database, { ...hq(0), placeFacets: false }), 1, false)).plan),
        };
        noStats = await runCaptured(database, captured, opts.quick || n >= 100_000 ? 1 : 3, true);
        recall = await vectorRecall(database, corpus, vectors, n, queryVectors.slice(0, 10), CANDIDATES);
      } finally {
        await database.close();
      }

      // 4. The floor: the same query embedded in-process (measured above, same query and round)
      //    plus a brute-force top-100 over the same vectors in plain JS.
      const scanMs: number[] = [];
      const floorMs: number[] = [];
      for (let r = 0; r < rounds; r++) {
        queryVectors.forEach((q, i) => {
          const ms = timedSync(() => bruteForceTopK(vectors, n, corpus.dims, q, CANDIDATES));
          scanMs.push(ms);
          floorMs.push(ms + embedMs[r]![i]!);
        });
      }

      const p = (xs: number[], q: number) => round(percentile(xs, q));
      for (const q of [50, 95]) {
        const value = percentile(httpMs, q);
        const floor = percentile(floorMs, q);
        rows.push({
          section: 'search', name: `POST /search p${q} @ ${label} items`, value: round(value), unit: 'ms',
          baseline: { name: 'embed + JS brute force', value: round(floor) }, ratio: round(slower(value, floor), 2),
          ...(n === 100_000 && q === 95 ? { goal: '≤ 50 ms and ≤ 3×', met: value <= 50 && slower(value, floor) <= 3 } : {}),
        });
      }
      rows.push({
        section: 'search', name: `hybrid SQL alone p95 @ ${label} items`, value: p(sqlMs, 95), unit: 'ms',
        baseline: { name: 'JS brute-force scan', value: p(scanMs, 95) }, ratio: round(slower(percentile(sqlMs, 95), percentile(scanMs, 95)), 2),
        ...(n === 100_000 ? { goal: '≤ 1×', met: percentile(sqlMs, 95) <= percentile(scanMs, 95) } : {}),
        note: `plan: ${usesHnsw(withStats.plan) ? 'HNSW' : 'no HNSW'}; p50 ${p(sqlMs, 50)} vs ${p(scanMs, 50)} ms`,
      });
      rows.push({
        section: 'search', name: `vector recall@${CANDIDATES} @ ${label} items (the vector ranker against brute force)`, value: round(recall, 3), unit: '',
        ...(n === 100_000 ? { goal: '≥ 0.95', met: recall >= 0.95 } : {}),
        note: `hnsw.ef_search ${efSearchFor(CANDIDATES)}, iterative scan (relaxed order); ${usesHnsw(withStats.plan) ? 'HNSW' : 'exact scan'}`,
      });
      const extrasRatio = slower(percentile(extras.service.with, 95), percentile(extras.service.without, 95));
      rows.push({
        section: 'search', name: `search with facets and reasons p95 @ ${label} items (in-process: embed, SQL, history)`,
        value: p(extras.service.with, 95), unit: 'ms',
        baseline: { name: 'same search without them', value: p(extras.service.without, 95) }, ratio: round(extrasRatio, 2),
        ...(n === 10_000 ? { goal: '≤ 1.2×', met: extrasRatio <= 1.2 } : {}),
        note: `p50 ${p(extras.service.with, 50)} vs ${p(extras.service.without, 50)} ms; ${extras.service.with.length} searches each, interleaved`,
      });
      rows.push({
        section: 'search', name: `hybrid SQL with facets and reasons p95 @ ${label} items (folder and collection counts too)`, value: p(extras.sql.with, 95), unit: 'ms',
        baseline: { name: 'same SQL without them', value: p(extras.sql.without, 95) },
        ratio: round(slower(percentile(extras.sql.with, 95), percentile(extras.sql.without, 95)), 2),
        note: `p50 ${p(extras.sql.with, 50)} vs ${p(extras.sql.without, 50)} ms`,
      });
      rows.push({
        section: 'search', name: `search suggestions p95 @ ${label} items (GET /search/suggestions: a prefix against the user's words in memory)`,
        value: round(percentile(suggest.matchMs, 95), 3), unit: 'ms',
        ...(n === 10_000 ? { goal: '< 30 ms', met: percentile(suggest.matchMs, 95) < 30 } : {}),
        note: `the words read once per change to the user's files: p50 ${p(suggest.readMs, 50)}, max ${p(suggest.readMs, 100)} ms (synthetic rows carry 2 tags each, real ones 5-10)`,
      });
      rows.push({
        section: 'search', name: `hybrid SQL without planner statistics (before the fix) @ ${label} items`, value: p(noStats.ms, 50), unit: 'ms',
        baseline: { name: 'JS brute-force scan', value: p(scanMs, 50) }, ratio: round(slower(median(noStats.ms), median(scanMs)), 2),
        note: `plan: ${usesHnsw(noStats.plan) ? 'HNSW' : 'user_id btree + sort'}`,
      });
      details[`n${n}`] = {
        firstSearchMs: round(firstMs),
        httpMs: { p50: p(httpMs, 50), p95: p(httpMs, 95), max: p(httpMs, 100) },
        serverProcessingMs: { p50: p(serverMs, 50), p95: p(serverMs, 95) },
        sqlMs: { p50: p(sqlMs, 50), p95: p(sqlMs, 95) },
        sqlWithoutStatisticsMs: noStats.ms.map((x) => round(x)),
        scanMs: { p50: p(scanMs, 50), p95: p(scanMs, 95) },
        floorMs: { p50: p(floorMs, 50), p95: p(floorMs, 95) },
        vectorRecallAt100: round(recall, 3),
        hnswBuildCpuS: buildCpuS[n],
        plan: shortPlan(withStats.plan),
        planWithoutStatistics: shortPlan(noStats.plan),
        facetsAndReasons: {
          serviceMs: { with: { p50: p(extras.service.with, 50), p95: p(extras.service.with, 95) }, without: { p50: p(extras.service.without, 50), p95: p(extras.service.without, 95) } },
          sqlMs: { with: { p50: p(extras.sql.with, 50), p95: p(extras.sql.with, 95) }, without: { p50: p(extras.sql.without, 50), p95: p(extras.sql.without, 95) } },
          plans: extras.plans,
        },
      };
      log(`search @ ${label}: HTTP p50 ${p(httpMs, 50)} p95 ${p(httpMs, 95)} ms; SQL p95 ${p(sqlMs, 95)} ms (no stats ${p(noStats.ms, 50)}); floor p95 ${p(floorMs, 95)} ms; recall ${recall.toFixed(2)}`);
    }
    details.embedMs = { p50: round(percentile(allEmbed, 50)), p95: round(percentile(allEmbed, 95)) };
    return { rows, details };
  } finally {
    await embedder.close();
    await remove();
  }
}

interface ExtrasCost {
  service: { with: number[]; without: number[] };
  sql: { with: number[]; without: number[] };
  plans?: { with: string; without: string; withoutPlaceFacets: string };
}

/**
 * What facets and reasons cost: each query searched with them (the server's SearchService as
 * configured) and without them (`facetsAndReasons: false`, the statement as it was before they
 * came), turn about so neither side always runs first; then the SQL alone the same way. In-process,
 * over the same database and the same embedder, with no cache.
 */
async function facetsAndReasonsCost(
  database: Database, userId: string, embedder: OfflineEmbedder, hq: (i: number) => HybridQuery, rounds: number,
): Promise<ExtrasCost> {
  const deps = { db: database.db, embedders: [embedder], links: new FileLinks(new HmacUrlSigner(Buffer.alloc(32, 7))), metrics: new Metrics() };
  const services = { with: new SearchService(deps), without: new SearchService({ ...deps, facetsAndReasons: false }) };
  const out: ExtrasCost = { service: { with: [], without: [] }, sql: { with: [], without: [] } };
  const order = (r: number, i: number) => ((r + i) % 2 === 0 ? (['with', 'without'] as const) : (['without', 'with'] as const));
  // Warm both statement shapes once (plans, caches) before measuring.
  for (const side of ['with', 'without'] as const) await services[side].search(userId, { query: QUERIES[0]!, limit: LIMIT });
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < QUERIES.length; i++) {
      for (const side of order(r, i)) out.service[side].push((await timed(() => services[side].search(userId, { query: QUERIES[i]!, limit: LIMIT }))).ms);
    }
  }
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < QUERIES.length; i++) {
      for (const side of order(r, i)) {
        out.sql[side].push((await timed(() => rankedSearch(database.db, { ...hq(i), facetsAndReasons: side === 'with' }))).ms);
      }
    }
  }
  return out;
}

/** The first search, once the server has opened its database (until then it answers 503 SERVICE_STARTING). */
async function searchOnceReady(server: Awaited<ReturnType<typeof startChildServer>>): ReturnType<typeof server.search> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      return await server.search('warm up');
    } catch (err) {
      if (!String(err).includes('SERVICE_STARTING') || Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Suggestions as the search box asks for them: the user's words read from the database (what the
 * first keystroke after a change to their files waits for), then prefixes of the bench's query
 * words matched in memory (every other keystroke).
 */
async function suggestionsCost(database: Database, userId: string, rounds: number): Promise<{ readMs: number[]; matchMs: number[] }> {
  const readMs: number[] = [];
  for (let r = 0; r < rounds; r++) readMs.push((await timed(() => userTerms(database.db, userId))).ms);
  const vocabulary = new SuggestionVocabulary({ db: database.db });
  await vocabulary.suggest(userId, 'a', 8);
  const prefixes = QUERIES.flatMap((q) => q.split(/\s+/).filter((w) => w.length >= 2).map((w) => w.slice(0, 3)));
  const matchMs: number[] = [];
  for (let r = 0; r < rounds; r++) for (const prefix of prefixes) matchMs.push((await timed(() => vocabulary.suggest(userId, prefix, 8))).ms);
  return { readMs, matchMs };
}

function timedSync(fn: () => unknown): number {
  const started = performance.now();
  fn();
  return performance.now() - started;
}
