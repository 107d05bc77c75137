/**
 * `npm run eval`: indexes eval/corpus through the HTTP API of a real server (the composition root,
 * a fresh temporary data dir), runs eval/queries.json through POST /api/v1/search and prints
 * nDCG@10, recall@10 and MRR overall and per media type; writes eval/results.json.
 *
 * Per type, a query counts when it has a relevant file of that type; it is searched again with
 * `file_types: [type]` and judged on that type's files only, so each type's figure says how well
 * Trove finds that kind of file, undisturbed by how the others rank.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FILE_TYPES, type FileType } from '../shared/file-types.ts';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/serve.ts';
import { CORPUS_DIR, ROOT, type CorpusFile, type Query } from './lib.ts';
import { mean, score, type Scores } from './metrics.ts';

const K = 10;
/** `npm run eval -- --label before-vision`: names the run in the output and in results.json. */
const argValue = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
const LABEL = argValue('--label') ?? 'run';
const INDEX_TIMEOUT_MS = 30 * 60_000;

interface Envelope<T> { status: string; data: T; error: { code: string; message: string } | null }

async function main(): Promise<void> {
  const corpus = JSON.parse(await fs.readFile(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusFile[];
  const queries = JSON.parse(await fs.readFile(path.join(ROOT, 'eval/queries.json'), 'utf8')) as Query[];
  const typeOf = new Map(corpus.map((f) => [f.file, f.type]));
  for (const q of queries) {
    for (const f of Object.keys(q.relevant)) if (!typeOf.has(f)) throw new Error(`query '${q.query}' grades unknown file ${f}`);
  }

  // `--data-dir DIR` keeps the index between runs, so ranking changes can be measured without re-indexing.
  const keptDir = argValue('--data-dir');
  const dataDir = keptDir ?? await fs.mkdtemp(path.join(os.tmpdir(), 'trove-eval-'));
  const started = performance.now();
  const server = await startServer(loadConfig({ ...process.env, TROVE_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' }));
  try {
    const api = async <T>(pathname: string, init: RequestInit = {}): Promise<T> => {
      const headers = new Headers(init.headers);
      headers.set('authorization', `Bearer ${server.token}`);
      const res = await fetch(`${server.url}/api/v1${pathname}`, { ...init, headers });
      const body = (await res.json()) as Envelope<T>;
      if (body.status !== 'success') throw new Error(`${pathname}: ${res.status} ${body.error?.code} ${body.error?.message}`);
      return body.data;
    };

    const t0 = performance.now();
    const idToFile = new Map<string, string>();
    const existing = await api<{ uploads: { id: string; filename: string }[] }>('/uploads?limit=100');
    for (const u of existing.uploads) idToFile.set(u.id, u.filename);
    for (const f of corpus) {
      if ([...idToFile.values()].includes(f.file)) continue;
      const form = new FormData();
      form.set('file', new Blob([await fs.readFile(path.join(CORPUS_DIR, f.file))]), f.file);
      const accepted = await api<{ upload_id: string }>('/upload', { method: 'POST', body: form });
      idToFile.set(accepted.upload_id, f.file);
    }
    const failed = await waitForProcessing(api, idToFile.size);
    const indexSeconds = (performance.now() - t0) / 1000;
    log(`indexed ${corpus.length} files in ${indexSeconds.toFixed(1)} s${failed.length ? `; FAILED: ${failed.map((id) => idToFile.get(id)).join(', ')}` : ''}`);

    const t1 = performance.now();
    const search = async (query: string, fileTypes?: FileType[]) => {
      const data = await api<{ results: { upload_id: string }[] }>('/search', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, limit: K, ...(fileTypes ? { file_types: fileTypes } : {}) }),
      });
      return data.results.map((r) => idToFile.get(r.upload_id) ?? r.upload_id);
    };
    const overall: Scores[] = [];
    const perType = Object.fromEntries(FILE_TYPES.map((t) => [t, [] as Scores[]])) as Record<FileType, Scores[]>;
    const perQuery: Record<string, unknown>[] = [];
    for (const q of queries) {
      const ranked = await search(q.query);
      const s = score(ranked, q.relevant, K);
      overall.push(s);
      perQuery.push({ query: q.query, ...round(s), top: ranked.slice(0, 5) });
      for (const type of FILE_TYPES) {
        const grades = Object.fromEntries(Object.entries(q.relevant).filter(([f]) => typeOf.get(f) === type));
        if (Object.keys(grades).length > 0) perType[type].push(score(await search(q.query, [type]), grades, K));
      }
    }
    const querySeconds = (performance.now() - t1) / 1000;

    const results = {
      ranAt: new Date().toISOString(),
      label: LABEL,
      files: corpus.length, failed: failed.length, queries: queries.length,
      seconds: { total: round1((performance.now() - started) / 1000), indexing: round1(indexSeconds), queries: round1(querySeconds) },
      overall: mean(overall),
      perType: Object.fromEntries(FILE_TYPES.map((t) => [t, mean(perType[t])])),
      perQuery,
    };
    await fs.writeFile(path.join(ROOT, 'eval/results.json'), `${JSON.stringify(results, null, 2)}\n`);
    process.stdout.write(report(results));
  } finally {
    await server.close();
    if (!keptDir) await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** Polls the upload list until nothing is queued or processing; returns the ids that failed. */
async function waitForProcessing(
  api: <T>(pathname: string) => Promise<T>, expected: number,
): Promise<string[]> {
  const deadline = Date.now() + INDEX_TIMEOUT_MS;
  let lastDone = -1;
  for (;;) {
    const { uploads } = await api<{ uploads: { id: string; processing_status: string }[] }>(`/uploads?limit=100`);
    const done = uploads.filter((u) => u.processing_status === 'completed' || u.processing_status === 'failed');
    if (done.length !== lastDone) log(`processed ${done.length}/${expected}`);
    lastDone = done.length;
    if (done.length >= expected) return uploads.filter((u) => u.processing_status === 'failed').map((u) => u.id);
    if (Date.now() > deadline) throw new Error(`indexing took over ${INDEX_TIMEOUT_MS / 60_000} min`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

function report(r: { label: string; files: number; failed: number; queries: number; seconds: Record<string, number>; overall: Scores & { queries: number }; perType: Record<string, Scores & { queries: number }> }): string {
  const line = (name: string, s: Scores & { queries: number }) =>
    `| ${name} | ${s.queries} | ${s.ndcg.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.rr.toFixed(3)} |`;
  return [
    '',
    `Trove eval (${r.label}): ${r.files} files (${r.failed} failed), ${r.queries} queries`,
    `time: ${r.seconds.total} s total, ${r.seconds.indexing} s indexing, ${r.seconds.queries} s searching`,
    '',
    '| Scope | Queries | nDCG@10 | Recall@10 | MRR |',
    '|---|---|---|---|---|',
    line('overall', r.overall),
    ...Object.entries(r.perType).map(([t, s]) => line(t, s)),
    '',
  ].join('\n');
}

const round = (s: Scores): Scores => ({ ndcg: round3(s.ndcg), recall: round3(s.recall), rr: round3(s.rr) });
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const round1 = (n: number) => Math.round(n * 10) / 10;
const log = (msg: string) => process.stderr.write(`[eval] ${msg}\n`);

await main();
