/**
 * Indexing: files per second per type (image, video, audio, document) through the real server with
 * the offline models, at TROVE_CONCURRENCY=1 and 2, against the same work done in-process with no
 * server around it (the type's pipeline + the analyzer + the embedder, one file after another).
 * Throughput comes from the server's own timestamps: files ÷ (last completed − first created).
 */
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { OfflineEmbedder } from '../server/analysis/index.ts';
import { embeddingText } from '../server/analysis/embedding-text.ts';
import { SignalSoundClassifier } from '../server/analysis/sound/index.ts';
import { FaceDetector } from '../server/analysis/vision/face-detector.ts';
import { OfflineAnalyzer } from '../server/analysis/offline-analyzer.ts';
import { createVisionAnalyzers, sceneCues } from '../server/analysis/vision/index.ts';
import { createOfflineAnalyzer, createSpeechRecognizer, createTextRecognizer } from '../server/composition/offline-models.ts';
import type { Logger } from '../server/logger.ts';
import { pipelines, runPipeline } from '../server/pipelines/index.ts';
import type { Upload } from '../shared/api/schemas.ts';
import type { FileType } from '../shared/file-types.ts';
import { sniffFile } from '../shared/node/media/index.ts';
import { readWithTesseract } from '../eval/ocr-pictures.ts';
import { WorkerSlot } from '../eval/tesseract/worker.ts';
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

/** CPU seconds (user + system, every thread) the process has used so far, from /proc. */
async function cpuSeconds(pid: number): Promise<number> {
  const stat = await fs.readFile(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
}
/** Linux's USER_HZ, the unit of /proc's CPU times (100 on every mainstream kernel). */
const CLOCK_TICKS = 100;

interface Measured {
  filesPerSec: number;
  /** The server's CPU seconds per wall second while the files went through: how many cores it kept busy. */
  coresUsed: number;
}

/** Uploads every file of one type, waits until all are done, returns files/s from the server's timestamps. */
async function throughputOf(server: ChildServer, files: Fixture[]): Promise<Measured> {
  const cpuBefore = await cpuSeconds(server.pid);
  const wallBefore = performance.now();
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
  }, 300_000, 250);
  const coresUsed = (await cpuSeconds(server.pid) - cpuBefore) / ((performance.now() - wallBefore) / 1000);
  const failed = done.filter((r) => r.processing_status !== 'completed');
  if (failed.length > 0) throw new Error(`${failed.length} ${files[0]!.type} files failed to process`);
  const start = Math.min(...done.map((r) => Date.parse(r.created_at)));
  const end = Math.max(...done.map((r) => Date.parse(r.processing_completed_at!)));
  return { filesPerSec: files.length / ((end - start) / 1000), coresUsed };
}

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined };

/**
 * The same work with nothing around it: pipeline → analyzer → embedder, one file after another
 * (after one unmeasured file). The analyzer is the server's own offline composition (objects, NSFW,
 * colours, OCR, speech, each in its worker as in the server), so the baseline runs every model the
 * server runs; without them (as before issue 12) it measured metadata alone and was 5-13× "faster".
 */
interface BuiltAnalyzer {
  analyzer: OfflineAnalyzer;
  close(): Promise<void>;
}

/**
 * The built-in analyzer as it was at issue 11's start in the one part that costs audio and video
 * time: no sound classifier (the models it shares with today's are the same ones).
 */
function analyzerWithoutSoundKinds(): BuiltAnalyzer {
  const vision = createVisionAnalyzers(quiet, { workers: 1 });
  const ocr = createTextRecognizer({ threads: 1 }, quiet) ?? undefined;
  const speech = createSpeechRecognizer(quiet);
  return {
    analyzer: new OfflineAnalyzer({ detector: vision.detector, nsfw: vision.nsfw, ocr, speech, sceneCues, log: quiet }),
    async close() {
      await Promise.allSettled([vision.close(), ocr?.close(), speech.close()]);
    },
  };
}

async function inProcess(
  warmUp: Fixture, files: Fixture[], workRoot: string, build: () => BuiltAnalyzer = () => createOfflineAnalyzer(quiet, { workers: 1 }),
): Promise<{ filesPerSec: number; msPerFile: Record<string, number> }> {
  const offline = build();
  const analyzer = offline.analyzer;
  const embedder = new OfflineEmbedder();
  await embedder.warmUp();
  let started = performance.now();
  const stages = { pipeline: 0, analyzer: 0, embedder: 0 };
  const timed = async <T>(stage: keyof typeof stages, i: number, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    const out = await work();
    if (i > 0) stages[stage] += performance.now() - t0;
    return out;
  };
  for (const [i, f] of [warmUp, ...files].entries()) {
    if (i === 1) started = performance.now();
    const workDir = path.join(workRoot, `w${i}`);
    await fs.mkdir(workDir, { recursive: true });
    const sniffed = await sniffFile(f.path, f.name);
    const media = await timed('pipeline', i, () => runPipeline(pipelines[f.type], {
      fileType: f.type, mimeType: sniffed.mime, filename: f.name, sourcePath: f.path, workDir,
      signal: new AbortController().signal, maxImagePixels: 100_000_000,
    }, () => undefined));
    // The input the server's analyseFile hands its analyzer: the pictures, frames' times and sound too.
    const analysis = await timed('analyzer', i, () => analyzer.analyze({
      fileType: f.type, filename: f.name, mimeType: sniffed.mime, metadata: media.metadata, text: media.text,
      chunks: media.chunks, imagePaths: media.imagePaths, frameTimes: media.frameTimes, audioPath: media.audioPath,
    }));
    // The file's text and its timed parts in one call, as Understanding embeds them.
    await timed('embedder', i, () => embedder.embed([
      embeddingText(f.name, analysis.summary, analysis.extractedText), ...(analysis.chunks ?? []).map((c) => c.text.slice(0, 500)),
    ]));
    await fs.rm(workDir, { recursive: true, force: true });
  }
  const seconds = (performance.now() - started) / 1000;
  await embedder.close();
  await offline.close();
  const msPerFile = Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, round(v / files.length)]));
  return { filesPerSec: files.length / seconds, msPerFile };
}

/**
 * What one picture costs in each model, each called alone (one thread each, as in the server): the
 * parts the analyzer runs side by side (vision beside OCR) and the ones that wait for each other.
 * Also what issue 11 changed, so its cost can be compared with its start in the same run: the face
 * model (inside `objects` since then, timed alone here) and tesseract as the server ran it then
 * (a probe at 1000 px, then full size when the probe finds a word; eval/tesseract, a devDependency).
 */
async function modelStages(files: Fixture[]): Promise<Record<string, number>> {
  const vision = createVisionAnalyzers(quiet, { workers: 1 });
  const ocr = createTextRecognizer({ threads: 1 }, quiet);
  const faces = await FaceDetector.load();
  const require = createRequire(import.meta.url);
  const tesseract = new WorkerSlot({
    langPath: path.join(path.dirname(require.resolve('@tesseract.js-data/eng/package.json')), '4.0.0_best_int'),
    cachePath: path.join(os.tmpdir(), 'trove-tesseract'),
  });
  const embedder = new OfflineEmbedder();
  const ms = { objects: 0, faces: 0, nsfw: 0, ocr: 0, tesseractOcr: 0, textEmbedding: 0 };
  try {
    const time = async (k: keyof typeof ms, work: () => Promise<unknown>) => {
      const t0 = performance.now();
      await work();
      ms[k] += performance.now() - t0;
    };
    // Loads every model first, unmeasured.
    await Promise.all([
      vision.detector.detect(files[0]!.path), vision.nsfw.classify(files[0]!.path), ocr?.recognize(files[0]!.path),
      faces.detect(files[0]!.path), readWithTesseract(tesseract, files[0]!.path, 70), embedder.embed(['warm up']),
    ]);
    for (const f of files) {
      await time('objects', () => vision.detector.detect(f.path));
      await time('faces', () => faces.detect(f.path));
      await time('nsfw', () => vision.nsfw.classify(f.path));
      if (ocr) await time('ocr', () => ocr.recognize(f.path));
      await time('tesseractOcr', () => readWithTesseract(tesseract, f.path, 70));
      await time('textEmbedding', () => embedder.embed([`A photo: ${f.name}, people outdoors, green and blue.`]));
    }
  } finally {
    await Promise.allSettled([vision.close(), ocr?.close(), embedder.close(), tesseract.close()]);
  }
  return Object.fromEntries(Object.entries(ms).map(([k, v]) => [k, round(v / files.length)]));
}

/** The sound classifier (issue 11, item 4) alone on each file: one more ffmpeg decode of up to 120 s. */
async function soundMs(files: Fixture[]): Promise<number> {
  const classifier = new SignalSoundClassifier();
  let total = 0;
  for (const f of files) {
    const t0 = performance.now();
    await classifier.classify(f.path);
    total += performance.now() - t0;
  }
  return total / files.length;
}

/**
 * Issue 11's goal: understanding may cost at most 1.5× the time per file it took at the issue's
 * start. Measured in this run from the parts it changed: for a photo, the models now (objects with
 * faces, NSFW, PaddleOCR, text) against then (objects without faces, NSFW, tesseract, text), each
 * called alone; for audio and video, the whole in-process indexing time per file with and without
 * the sound classifier (it runs beside speech recognition, so its own time is not simply added).
 */
function understandingRows(
  stages: Record<string, number>, now: Record<string, Record<string, number>>, then: Record<string, Record<string, number>>, sound: Record<string, number>,
): Row[] {
  const s = (k: string) => stages[k] ?? 0;
  const photoNow = s('objects') + s('nsfw') + s('ocr') + s('textEmbedding');
  const photoThen = s('objects') - s('faces') + s('nsfw') + s('tesseractOcr') + s('textEmbedding');
  const rows: Row[] = [{
    section: 'indexing', name: "image: model time per photo against issue 11's start", value: round(photoNow), unit: 'ms',
    baseline: { name: 'objects without faces + NSFW + tesseract + text, same photos', value: round(photoThen) },
    ratio: round(photoNow / photoThen, 2), goal: '≤ 1.5×', met: photoNow / photoThen <= 1.5,
    note: `faces ${s('faces')} ms, PaddleOCR ${s('ocr')} ms vs tesseract ${s('tesseractOcr')} ms`,
  }];
  const total = (ms: Record<string, number> | undefined) => Object.values(ms ?? {}).reduce((a, b) => a + b, 0);
  for (const t of ['audio', 'video'] as const) {
    const ratio = total(now[t]) / total(then[t]);
    rows.push({
      section: 'indexing', name: `${t}: time per file against issue 11's start`, value: round(total(now[t])), unit: 'ms',
      baseline: { name: 'same in-process indexing without the sound classifier', value: round(total(then[t])) },
      ratio: round(ratio, 2), goal: '≤ 1.5×', met: ratio <= 1.5,
      note: `the sound classifier alone: ${round(sound[t] ?? 0)} ms per file, beside speech recognition`,
    });
  }
  return rows;
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
    const inProcessMsPerFile: Record<string, Record<string, number>> = {};
    for (const t of TYPES) {
      const r = await inProcess(warmUpOf(t), byType(t), path.join(dir, 'work'));
      baseline[t] = r.filesPerSec;
      inProcessMsPerFile[t] = r.msPerFile;
      log(`indexing: ${t} in-process: ${r.filesPerSec.toFixed(2)} files/s, ms per file ${JSON.stringify(r.msPerFile)}`);
    }
    const baseAll = fixtures.length / TYPES.reduce((s, t) => s + byType(t).length / baseline[t]!, 0);
    const imageModelMs = await modelStages([warmUpOf('image'), ...byType('image')]);
    log(`indexing: one photo's models, each alone (ms): ${JSON.stringify(imageModelMs)}`);
    const sound = { audio: await soundMs(byType('audio')), video: await soundMs(byType('video')) };
    log(`indexing: the sound classifier alone (ms per file): ${JSON.stringify(sound)}`);
    const withoutSoundMs: Record<string, Record<string, number>> = {};
    for (const t of ['audio', 'video'] as const) {
      withoutSoundMs[t] = (await inProcess(warmUpOf(t), byType(t), path.join(dir, 'work'), analyzerWithoutSoundKinds)).msPerFile;
      log(`indexing: ${t} in-process without the sound classifier, ms per file ${JSON.stringify(withoutSoundMs[t])}`);
    }

    const measured: Record<number, Record<string, number>> = {};
    const coresUsed: Record<number, Record<string, number>> = {};
    for (const concurrency of [1, 2]) {
      const server = await startChildServer(path.join(dir, `data-c${concurrency}`), { TROVE_CONCURRENCY: String(concurrency) });
      try {
        // The server listens before its database is open (health says 'starting' until then).
        await waitFor('health ok', async () => ((await fetch(`${server.url}/api/v1/health`)).status === 200 ? true : undefined), 180_000, 50);
        await server.search('warm up');
        await throughputOf(server, warmUps);
        const perType: Record<string, number> = {};
        const cores: Record<string, number> = {};
        for (const t of TYPES) {
          const m = await throughputOf(server, byType(t));
          perType[t] = m.filesPerSec;
          cores[t] = round(m.coresUsed, 2);
          log(`indexing: ${t} at concurrency ${concurrency}: ${m.filesPerSec.toFixed(2)} files/s (in-process ${baseline[t]?.toFixed(2)}), server busy ${m.coresUsed.toFixed(2)} cores`);
        }
        measured[concurrency] = perType;
        coresUsed[concurrency] = cores;
      } finally {
        await server.stop();
      }
    }

    // Issue 12's goals: through the server at most 2× the cost of the same models in-process; two
    // processing slots at least 1.6× one.
    const rows: Row[] = [];
    for (const t of TYPES) {
      for (const c of [1, 2]) {
        const value = measured[c]![t]!;
        const ratio = lessThroughput(value, baseline[t]!);
        rows.push({
          section: 'indexing', name: `${t}, TROVE_CONCURRENCY=${c}`, value: round(value, 2), unit: 'files/s',
          baseline: { name: 'same pipeline + analyzer + embedder in-process, 1 at a time', value: round(baseline[t]!, 2) },
          ratio: round(ratio, 2), goal: '≤ 2×', met: ratio <= 2,
          note: `server kept ${coresUsed[c]![t]} cores busy`,
        });
      }
    }
    const all = (c: number) => fixtures.length / TYPES.reduce((s, t) => s + byType(t).length / measured[c]![t]!, 0);
    for (const t of [...TYPES, 'all types'] as const) {
      const c1 = t === 'all types' ? all(1) : measured[1]![t]!;
      const c2 = t === 'all types' ? all(2) : measured[2]![t]!;
      rows.push({
        section: 'indexing', name: `${t}: speed-up from TROVE_CONCURRENCY=1 to 2`, value: round(c2 / c1, 2), unit: '×',
        baseline: { name: 'ideal on 2 cores', value: 2 }, ratio: round(2 / (c2 / c1), 2), goal: '≥ 1.6×', met: c2 / c1 >= 1.6,
        ...(t === 'all types' ? {} : { note: `server busy ${coresUsed[1]![t]} → ${coresUsed[2]![t]} cores` }),
      });
    }
    rows.push(...understandingRows(imageModelMs, inProcessMsPerFile, withoutSoundMs, sound));
    return {
      rows,
      details: {
        soundClassifierMsPerFile: sound, inProcessMsPerFileWithoutSoundKinds: withoutSoundMs,
        perType, inProcessFilesPerSec: baseline, inProcessAllTypes: round(baseAll, 2), serverFilesPerSec: measured,
        serverCoresUsed: coresUsed, inProcessMsPerFile, imageModelMsEachAlone: imageModelMs,
      },
    };
  } finally {
    await remove();
  }
}
