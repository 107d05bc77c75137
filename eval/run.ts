/**
 * `npm run eval`: measures search quality on two sets kept apart by source package (issue 11):
 *
 * - dev: the 62 files of eval/corpus (the set the ranking was first tuned on) and the dev packages
 *   of the wide set; tune ranking and thresholds here.
 * - validation: the validation packages of the wide set; report only, never tune on it.
 *
 * Each set is indexed on its own real server (the composition root, a fresh temporary data dir)
 * through the HTTP API, so no file of one set can show up in the other's results. Every query of
 * eval/queries.json (dev) and eval/queries-wide.json (either split) runs through POST /api/v1/search;
 * the command prints nDCG@10, recall@10, MRR, precision@5 and the average number of results, overall
 * and per media type, for dev and validation, and writes eval/results.json.
 *
 * Per type, a query counts when it has a relevant file of that type; it is searched again with
 * `file_types: [type]` and judged on that type's files only, so each type's figure says how well
 * Trove finds that kind of file, undisturbed by how the others rank.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { FILE_TYPES, type FileType } from '../shared/file-types.ts';
import { loadConfig } from '../server/config.ts';
import { startServer } from '../server/serve.ts';
import { CORPUS_DIR, ROOT, type CorpusFile, type Query, type WideQuery } from './lib.ts';
import { mean, score, type Scores } from './metrics.ts';
import { WIDE_DIR, WIDE_MANIFEST, type WideManifest } from './wide-build.ts';
import type { Split } from './wide-spec.ts';

const K = 10;
const argValue = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
/** `npm run eval -- --label before-vision`: names the run in the output and in results.json. */
const LABEL = argValue('--label') ?? 'run';
/** `--split dev`: only one set (e.g. while tuning, where validation must not be looked at). */
const ONLY = argValue('--split') as Split | undefined;
const INDEX_TIMEOUT_MS = 60 * 60_000;

interface Envelope<T> { status: string; data: T; error: { code: string; message: string } | null }
interface SetFile { file: string; type: FileType; dir: string }
type Summary = Scores & { queries: number };
interface SetResult {
  files: number; failed: string[]; queries: number;
  seconds: { indexing: number; queries: number };
  overall: Summary; perType: Record<FileType, Summary>; perQuery: Record<string, unknown>[];
}

async function main(): Promise<void> {
  if (ONLY && ONLY !== 'dev' && ONLY !== 'validation') throw new Error('--split takes dev or validation');
  await buildWideSet();
  const corpus = JSON.parse(await fs.readFile(path.join(CORPUS_DIR, 'manifest.json'), 'utf8')) as CorpusFile[];
  const wide = JSON.parse(await fs.readFile(WIDE_MANIFEST, 'utf8')) as WideManifest;
  const files: Record<Split, SetFile[]> = {
    dev: [...corpus.map((f) => ({ file: f.file, type: f.type, dir: CORPUS_DIR })),
      ...wide.files.filter((f) => f.split === 'dev').map((f) => ({ file: f.file, type: f.type, dir: WIDE_DIR }))],
    validation: wide.files.filter((f) => f.split === 'validation').map((f) => ({ file: f.file, type: f.type, dir: WIDE_DIR })),
  };
  const tuned = JSON.parse(await fs.readFile(path.join(ROOT, 'eval/queries.json'), 'utf8')) as Query[];
  const wideQueries = JSON.parse(await fs.readFile(path.join(ROOT, 'eval/queries-wide.json'), 'utf8')) as WideQuery[];
  const queries: Record<Split, Query[]> = {
    dev: [...tuned, ...wideQueries.filter((q) => q.split === 'dev')],
    validation: wideQueries.filter((q) => q.split === 'validation'),
  };
  for (const split of ['dev', 'validation'] as const) {
    const names = new Set(files[split].map((f) => f.file));
    for (const q of queries[split]) {
      for (const f of Object.keys(q.relevant)) if (!names.has(f)) throw new Error(`${split} query '${q.query}' grades ${f}, which is not in the ${split} set`);
    }
  }

  for (const split of ['dev', 'validation'] as const) {
    if (ONLY && split !== ONLY) continue;
    const result = await evaluate(split, files[split], queries[split]);
    // Each set is written as soon as it is done, into the one results file (`--split` runs may go side by side).
    const file = path.join(ROOT, 'eval/results.json');
    const previous = JSON.parse(await fs.readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    const out = { ...(previous.dev || previous.validation ? previous : {}), label: LABEL, [split]: { ranAt: new Date().toISOString(), label: LABEL, ...result } };
    await fs.writeFile(file, `${JSON.stringify(out, null, 2)}\n`);
    process.stdout.write(`\nTrove eval (${LABEL})\n${report(split, result)}`);
  }
}

/** Fetches, unpacks and derives the wide set in a child process (fontconfig must see the font it sets up before it starts). */
async function buildWideSet(): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, path.join(ROOT, 'eval/wide-build.ts')], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`building the wide eval set failed (exit ${code}); see the lines above`))));
  });
}

async function evaluate(split: Split, files: SetFile[], queries: Query[]): Promise<SetResult> {
  // `--data-dir DIR` keeps each set's index between runs (DIR/dev, DIR/validation), so ranking changes can be measured without re-indexing.
  const keptDir = argValue('--data-dir');
  const dataDir = keptDir ? path.join(keptDir, split) : await fs.mkdtemp(path.join(os.tmpdir(), `trove-eval-${split}-`));
  await fs.mkdir(dataDir, { recursive: true });
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
    const listAll = async () => {
      const all: { id: string; filename: string; processing_status: string }[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = await api<{ uploads: typeof all; has_more: boolean }>(`/uploads?limit=100&offset=${offset}`);
        all.push(...page.uploads);
        if (!page.has_more) return all;
      }
    };

    const t0 = performance.now();
    const idToFile = new Map<string, string>();
    for (const u of await listAll()) idToFile.set(u.id, u.filename);
    const present = new Set(idToFile.values());
    // Two files with the same bytes are one upload (Trove keeps one copy; two Yaru sounds are the
    // same recording under two names): their grades count for the one that was kept.
    const sameAs = new Map<string, string>();
    for (const f of files) {
      if (present.has(f.file)) continue;
      const form = new FormData();
      form.set('file', new Blob([await fs.readFile(path.join(f.dir, f.file))]), f.file);
      const accepted = await api<{ upload_id: string }>('/upload', { method: 'POST', body: form });
      const kept = idToFile.get(accepted.upload_id);
      if (kept) sameAs.set(f.file, kept);
      else idToFile.set(accepted.upload_id, f.file);
    }
    const failed = await waitForProcessing(split, listAll, idToFile.size);
    const indexSeconds = (performance.now() - t0) / 1000;
    log(`${split}: indexed ${files.length} files in ${indexSeconds.toFixed(1)} s${failed.length ? `; FAILED: ${failed.map((id) => idToFile.get(id)).join(', ')}` : ''}`);

    const t1 = performance.now();
    const typeOf = new Map(files.map((f) => [f.file, f.type]));
    const search = async (query: string, fileTypes?: FileType[]) => {
      const data = await api<{ results: { upload_id: string }[]; total?: number }>('/search', {
        method: 'POST', headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query, limit: K, ...(fileTypes ? { file_types: fileTypes } : {}) }),
      });
      return { ranked: data.results.map((r) => idToFile.get(r.upload_id) ?? r.upload_id), total: data.total ?? data.results.length };
    };
    const overall: Scores[] = [];
    const perType = Object.fromEntries(FILE_TYPES.map((t) => [t, [] as Scores[]])) as Record<FileType, Scores[]>;
    const perQuery: Record<string, unknown>[] = [];
    for (const query of queries) {
      const relevant: Record<string, number> = {};
      for (const [f, g] of Object.entries(query.relevant)) relevant[sameAs.get(f) ?? f] = Math.max(g, relevant[sameAs.get(f) ?? f] ?? 0);
      const q = { query: query.query, relevant };
      const { ranked, total } = await search(q.query);
      const s = score(ranked, q.relevant, K, total);
      overall.push(s);
      perQuery.push({ query: q.query, ...round(s), top: ranked.slice(0, 5) });
      for (const type of FILE_TYPES) {
        const grades = Object.fromEntries(Object.entries(q.relevant).filter(([f]) => typeOf.get(f) === type));
        if (Object.keys(grades).length === 0) continue;
        const typed = await search(q.query, [type]);
        perType[type].push(score(typed.ranked, grades, K, typed.total));
      }
    }
    return {
      files: files.length, failed: failed.map((id) => idToFile.get(id) ?? id), queries: queries.length,
      seconds: { indexing: round1(indexSeconds), queries: round1((performance.now() - t1) / 1000) },
      overall: mean(overall),
      perType: Object.fromEntries(FILE_TYPES.map((t) => [t, mean(perType[t])])) as Record<FileType, Summary>,
      perQuery,
    };
  } finally {
    await server.close();
    if (!keptDir) await fs.rm(dataDir, { recursive: true, force: true });
  }
}

/** Polls the upload list until nothing is queued or processing; returns the ids that failed. */
async function waitForProcessing(
  split: Split, listAll: () => Promise<{ id: string; processing_status: string }[]>, expected: number,
): Promise<string[]> {
  const deadline = Date.now() + INDEX_TIMEOUT_MS;
  let lastDone = -1;
  for (;;) {
    const uploads = await listAll();
    const done = uploads.filter((u) => u.processing_status === 'completed' || u.processing_status === 'failed');
    if (done.length !== lastDone) log(`${split}: processed ${done.length}/${expected}`);
    lastDone = done.length;
    if (done.length >= expected) return uploads.filter((u) => u.processing_status === 'failed').map((u) => u.id);
    if (Date.now() > deadline) throw new Error(`indexing the ${split} set took over ${INDEX_TIMEOUT_MS / 60_000} min`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function report(split: string, r: SetResult): string {
  const line = (name: string, s: Summary) =>
    `| ${name} | ${s.queries} | ${s.ndcg.toFixed(3)} | ${s.recall.toFixed(3)} | ${s.rr.toFixed(3)} | ${s.p5.toFixed(3)} | ${s.count.toFixed(1)} |`;
  return [
    '',
    `${split}: ${r.files} files (${r.failed.length} failed), ${r.queries} queries; ${r.seconds.indexing} s indexing, ${r.seconds.queries} s searching`,
    '',
    '| Scope | Queries | nDCG@10 | Recall@10 | MRR | P@5 | Results |',
    '|---|---|---|---|---|---|---|',
    line('overall', r.overall),
    ...Object.entries(r.perType).map(([t, s]) => line(t, s)),
    '',
  ].join('\n');
}

const round = (s: Scores) => ({ ndcg: round3(s.ndcg), recall: round3(s.recall), rr: round3(s.rr), p5: round3(s.p5), count: s.count });
const round3 = (n: number) => Math.round(n * 1000) / 1000;
const round1 = (n: number) => Math.round(n * 10) / 10;
const log = (msg: string) => process.stderr.write(`[eval] ${msg}\n`);

await main();
