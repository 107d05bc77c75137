/**
 * Throughput with the offline models on: how fast the real server (its own process, default
 * composition) indexes real files per type — images/s, PDF pages/s, audio × real time — with 10 000
 * synthetic items already in the library, and search p95 over HTTP while that indexing runs,
 * against search p95 on the same library at rest. The files are the eval corpus (eval/corpus), so
 * detection and OCR see real photos, scans and speech rather than flat test colours.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { sql } from 'kysely';
import { OfflineEmbedder } from '../server/analysis/index.ts';
import { openDatabase } from '../server/db/database.ts';
import { ensureVectorIndex, migrateToLatest, vectorIndexName } from '../server/db/migrate.ts';
import type { Upload } from '../shared/api/schemas.ts';
import { dropHelperTables, loadRows, makeCorpus, QUERIES } from './corpus.ts';
import {
  log, multipartBody, percentile, ROOT, round, slower, startChildServer, tempDir, waitFor,
  type BenchOptions, type ChildServer, type Row, type SectionResult,
} from './lib.ts';

const MODEL = 'use-lite-512';
const DIMS = 512;
const LIBRARY = 10_000;
const CORPUS = path.join(ROOT, 'eval/corpus');
/** readPdf's maxPages in server/pipelines/document.ts. */
const PDF_PAGES_READ = 10;

interface Kind {
  name: string;
  unit: string;
  /** How much work one processed file was, in `unit`s (1 image, its pages, its minutes). */
  amount: (u: Upload) => number;
  files: (all: { file: string; type: string }[]) => string[];
}

const KINDS: Kind[] = [
  { name: 'images', unit: 'images/s', amount: () => 1, files: (all) => all.filter((f) => f.type === 'image').map((f) => f.file) },
  {
    // Pages the document pipeline reads (it stops after PDF_PAGES_READ), not the pages the PDF has.
    name: 'PDF pages', unit: 'pages/s', amount: (u) => Math.min(Number(u.metadata.pageCount ?? 1), PDF_PAGES_READ),
    files: (all) => all.filter((f) => f.file.endsWith('.pdf')).map((f) => f.file),
  },
  {
    // Audio seconds per second of indexing: 1 = as fast as it plays (speech recognition dominates).
    name: 'audio', unit: '× real time', amount: (u) => Number(u.metadata.durationSec ?? 0),
    files: (all) => all.filter((f) => f.type === 'audio').map((f) => f.file),
  },
];

export async function throughputBench(opts: BenchOptions): Promise<SectionResult> {
  const manifest = JSON.parse(await fs.readFile(path.join(CORPUS, 'manifest.json'), 'utf8')) as { file: string; type: string }[];
  const { dir, remove } = await tempDir('throughput');
  try {
    const dataDir = path.join(dir, 'data');
    await seedLibrary(dataDir);
    const server = await startChildServer(dataDir);
    try {
      // The server listens before its database is open (health says 'starting' until then).
      await waitFor('health ok', async () => ((await fetch(`${server.url}/api/v1/health`)).status === 200 ? true : undefined), 180_000, 50);
      await searchLatencies(server, 1);
      const idle = await searchLatencies(server, opts.quick ? 20 : 60);
      const rows: Row[] = [];
      const during: number[] = [];
      const rates: Record<string, number> = {};
      for (const kind of KINDS) {
        const files = kind.files(manifest).slice(0, opts.quick ? 3 : undefined);
        log(`throughput: indexing ${files.length} files for ${kind.name} while searching`);
        const indexing = indexAll(server, files);
        let finished = false;
        void indexing.then(() => { finished = true; }, () => { finished = true; });
        while (!finished) during.push(...(await searchLatencies(server, 1)));
        const done = await indexing;
        const seconds = (Math.max(...done.map((u) => Date.parse(u.processing_completed_at!))) - Math.min(...done.map((u) => Date.parse(u.created_at)))) / 1000;
        rates[kind.name] = done.reduce((s, u) => s + kind.amount(u), 0) / seconds;
        // Issue 12: at least 1.5 images a second on this machine's 2 cores; no goal for the other kinds.
        const goal = kind.name === 'images' ? { goal: '≥ 1.5 /s on 2 cores', met: rates[kind.name]! >= 1.5 } : {};
        rows.push({
          section: 'throughput', name: `${kind.name} indexed with the offline models (${files.length} files, ${LIBRARY.toLocaleString('en')} items in library)`,
          value: round(rates[kind.name]!, 2), unit: kind.unit, ...goal,
        });
        log(`throughput: ${kind.name}: ${rates[kind.name]!.toFixed(2)} ${kind.unit}`);
      }
      const p95Idle = percentile(idle, 95);
      const p95Busy = percentile(during, 95);
      rows.push({ section: 'throughput', name: `search p95 at rest, ${LIBRARY.toLocaleString('en')} items`, value: round(p95Idle), unit: 'ms' });
      rows.push({
        section: 'throughput', name: `search p95 while indexing, ${LIBRARY.toLocaleString('en')} items (${during.length} searches)`, value: round(p95Busy), unit: 'ms',
        baseline: { name: 'search p95 at rest', value: round(p95Idle) }, ratio: round(slower(p95Busy, p95Idle), 2),
        goal: '≤ 150 ms', met: p95Busy <= 150,
      });
      return { rows, details: { rates, searchMs: { idle: summary(idle), whileIndexing: summary(during) } } };
    } finally {
      await server.stop();
    }
  } finally {
    await remove();
  }
}

/** 10 000 completed synthetic uploads (bench/corpus.ts), loaded with the vector index dropped and built after. */
async function seedLibrary(dataDir: string): Promise<void> {
  const embedder = new OfflineEmbedder();
  const database = await openDatabase({ dataDir });
  try {
    await migrateToLatest(database.db);
    await sql`DROP INDEX IF EXISTS ${sql.id(vectorIndexName(MODEL))}`.execute(database.db);
    log(`throughput: loading ${LIBRARY} synthetic items`);
    await loadRows(database.db, await makeCorpus((t) => embedder.embed(t)), 0, LIBRARY, MODEL);
    await dropHelperTables(database.db);
    await ensureVectorIndex(database.db, MODEL, DIMS);
  } finally {
    await database.close();
    await embedder.close();
  }
}

let searches = 0;

/**
 * Wall time of POST /search over HTTP. Each request carries a distinct `min_score` (a millionth
 * apart, no effect on the results) so the server's search cache never answers: this measures search.
 */
async function searchLatencies(server: ChildServer, rounds: number): Promise<number[]> {
  const out: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const n = searches++;
    const started = performance.now();
    const res = await server.json('/api/v1/search', {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: QUERIES[n % QUERIES.length], limit: 20, min_score: 0.05 + (n % 100_000) / 1e6 }),
    });
    if (res.status !== 200) throw new Error(`search ${res.status}: ${JSON.stringify(res.error)}`);
    out.push(performance.now() - started);
  }
  return out;
}

async function indexAll(server: ChildServer, files: string[]): Promise<Upload[]> {
  const ids: string[] = [];
  for (const f of files) {
    const { body, contentType } = multipartBody(await fs.readFile(path.join(CORPUS, f)), f);
    const res = await server.json<{ upload_id: string }>('/api/v1/upload', { method: 'POST', headers: { 'content-type': contentType }, body });
    if (res.status !== 202) throw new Error(`upload ${f}: ${res.status} ${JSON.stringify(res.error)}`);
    ids.push(res.data.upload_id);
  }
  const rows = await waitFor(`${files.length} files to be processed`, async () => {
    const list = await Promise.all(ids.map(async (id) => (await server.json<Upload>(`/api/v1/file/${id}/metadata`)).data));
    return list.every((u) => u.processing_status === 'completed' || u.processing_status === 'failed') ? list : undefined;
  }, 900_000, 500);
  const failed = rows.filter((u) => u.processing_status !== 'completed');
  if (failed.length > 0) throw new Error(`${failed.length} files failed: ${failed.map((u) => u.filename).join(', ')}`);
  return rows;
}

function summary(ms: number[]) {
  return { n: ms.length, p50: round(percentile(ms, 50)), p95: round(percentile(ms, 95)), max: round(Math.max(...ms)) };
}
