/**
 * Indexing: files per second per type (image, video, audio, document) through the real server with
 * the offline models, at TROVE_CONCURRENCY=1 and 2, against the same work done in-process with no
 * server around it (the type's pipeline + the analyzer + the embedder, one file after another).
 * Throughput comes from the server's own timestamps: files ÷ (last completed − first created).
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { OfflineAnalyzer, OfflineEmbedder } from '../server/analysis/index.ts';
import { embeddingText } from '../server/analysis/embedding-text.ts';
import { pipelines, runPipeline } from '../server/pipelines/index.ts';
import type { Upload } from '../shared/api/schemas.ts';
import type { FileType } from '../shared/file-types.ts';
import { sniffFile } from '../shared/node/media/index.ts';
import { audioFile, pdfFile, photoJpeg, videoFile } from './fixtures.ts';
import {
  lessThroughput, log, multipartBody, round, startChildServer, tempDir, waitFor, type BenchOptions, type ChildServer, type Row, type SectionResult,
} from './lib.ts';

const TYPES: FileType[] = ['image', 'video', 'audio', 'document'];

interface Fixture {
  type: FileType;
  path: string;
  name: string;
}

async function makeFixtures(dir: string, count: number, first = 0): Promise<Fixture[]> {
  const out: Fixture[] = [];
  for (let i = first; i < first + count; i++) {
    const base = path.join(dir, `f${i}`);
    await fs.writeFile(`${base}.jpg`, await photoJpeg(3000, 2000, i));
    out.push({ type: 'image', path: `${base}.jpg`, name: `holiday-${i}.jpg` });
    await videoFile(`${base}.mp4`, { seconds: 5, width: 640, height: 360, seed: i });
    out.push({ type: 'video', path: `${base}.mp4`, name: `clip-${i}.mp4` });
    await audioFile(`${base}.mp3`, { seconds: 30, seed: i });
    out.push({ type: 'audio', path: `${base}.mp3`, name: `recording-${i}.mp3` });
    await fs.writeFile(`${base}.pdf`, await pdfFile(i));
    out.push({ type: 'document', path: `${base}.pdf`, name: `report-${i}.pdf` });
  }
  return out;
}

type UploadRow = Pick<Upload, 'processing_status' | 'created_at' | 'processing_completed_at'>;

/** Uploads every file of one type, waits until all are done, returns files/s from the server's timestamps. */
async function throughputOf(server: ChildServer, files: Fixture[]): Promise<number> {
  const ids: string[] = [];
  for (const f of files) {
    const { body, contentType } = multipartBody(await fs.readFile(f.path), f.name);
    const res = await server.json<{ upload_id: string }>('/api/v1/upload', { method: 'POST', headers: { 'content-type': contentType }, body });
    if (res.status !== 202) throw new Error(`upload ${f.name}: ${res.status} ${JSON.stringify(res.error)}`);
    ids.push(res.data.upload_id);
  }
  const done = await waitFor(`${files.length} ${files[0]!.type} files to be processed`, async () => {
    const rows = await Promise.all(ids.map(async (id) => (await server.json<UploadRow>(`/api/v1/file/${id}/metadata`)).data));
    return rows.every((r) => r.processing_status === 'completed' || r.processing_status === 'failed') ? rows : undefined;
  }, 300_000, 100);
  const failed = done.filter((r) => r.processing_status !== 'completed');
  if (failed.length > 0) throw new Error(`${failed.length} ${files[0]!.type} files failed to process`);
  const start = Math.min(...done.map((r) => Date.parse(r.created_at)));
  const end = Math.max(...done.map((r) => Date.parse(r.processing_completed_at!)));
  return files.length / ((end - start) / 1000);
}

/** The same work with nothing around it: pipeline → analyzer → embedder, one file after another (after one unmeasured file). */
async function inProcess(warmUp: Fixture, files: Fixture[], workRoot: string): Promise<number> {
  const analyzer = new OfflineAnalyzer();
  const embedder = new OfflineEmbedder();
  await embedder.warmUp();
  let started = performance.now();
  for (const [i, f] of [warmUp, ...files].entries()) {
    if (i === 1) started = performance.now();
    const workDir = path.join(workRoot, `w${i}`);
    await fs.mkdir(workDir, { recursive: true });
    const sniffed = await sniffFile(f.path, f.name);
    const media = await runPipeline(pipelines[f.type], {
      fileType: f.type, mimeType: sniffed.mime, filename: f.name, sourcePath: f.path, workDir,
      signal: new AbortController().signal, maxImagePixels: 100_000_000,
    }, () => undefined);
    const analysis = await analyzer.analyze({ fileType: f.type, filename: f.name, mimeType: sniffed.mime, metadata: media.metadata, text: media.text });
    await embedder.embed([embeddingText(f.name, analysis.summary, analysis.extractedText)]);
    await fs.rm(workDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  await embedder.close();
  return files.length / seconds;
}

export async function indexingBench(opts: BenchOptions): Promise<SectionResult> {
  const perType = opts.quick ? 2 : 6;
  const { dir, remove } = await tempDir('indexing');
  try {
    log(`indexing: making ${perType} files of each type (+1 to warm up)`);
    const fixtures = await makeFixtures(dir, perType);
    // Each type's first file in a process pays one-off loads (pdf.js alone takes seconds), so one
    // file of each type goes first, unmeasured, on both sides.
    const warmUps = await makeFixtures(dir, 1, perType);
    const byType = (t: FileType) => fixtures.filter((f) => f.type === t);
    const warmUpOf = (t: FileType) => warmUps.find((f) => f.type === t)!;

    const baseline: Record<string, number> = {};
    for (const t of TYPES) baseline[t] = await inProcess(warmUpOf(t), byType(t), path.join(dir, 'work'));
    const baseAll = fixtures.length / TYPES.reduce((s, t) => s + byType(t).length / baseline[t]!, 0);

    const measured: Record<number, Record<string, number>> = {};
    for (const concurrency of [1, 2]) {
      const server = await startChildServer(path.join(dir, `data-c${concurrency}`), { TROVE_CONCURRENCY: String(concurrency) });
      try {
        await server.search('warm up');
        await throughputOf(server, warmUps);
        const perType: Record<string, number> = {};
        for (const t of TYPES) {
          const filesPerSec = await throughputOf(server, byType(t));
          perType[t] = filesPerSec;
          log(`indexing: ${t} at concurrency ${concurrency}: ${filesPerSec.toFixed(2)} files/s (in-process ${baseline[t]?.toFixed(2)})`);
        }
        measured[concurrency] = perType;
      } finally {
        await server.stop();
      }
    }

    const rows: Row[] = [];
    for (const t of TYPES) {
      for (const c of [1, 2]) {
        const value = measured[c]![t]!;
        rows.push({
          section: 'indexing', name: `${t}, TROVE_CONCURRENCY=${c}`, value: round(value, 2), unit: 'files/s',
          baseline: { name: 'same work in-process, 1 at a time', value: round(baseline[t]!, 2) },
          ratio: round(lessThroughput(value, baseline[t]!), 2),
        });
      }
    }
    const all = (c: number) => fixtures.length / TYPES.reduce((s, t) => s + byType(t).length / measured[c]![t]!, 0);
    for (const t of [...TYPES, 'all types'] as const) {
      const c1 = t === 'all types' ? all(1) : measured[1]![t]!;
      const c2 = t === 'all types' ? all(2) : measured[2]![t]!;
      rows.push({
        section: 'indexing', name: `${t}: speed-up from TROVE_CONCURRENCY=1 to 2`, value: round(c2 / c1, 2), unit: '×',
        baseline: { name: 'ideal on 2 cores', value: 2 }, ratio: round(2 / (c2 / c1), 2),
      });
    }
    return { rows, details: { perType, inProcessFilesPerSec: baseline, inProcessAllTypes: round(baseAll, 2), serverFilesPerSec: measured } };
  } finally {
    await remove();
  }
}
