/**
 * Entry point of an OCR worker thread (paddle-recognizer.ts starts them): one PaddleEngine per
 * thread, its models loaded with the first picture, pictures read strictly one after another
 * (onnxruntime runs a model on the calling thread, so parallelism comes from the host's threads).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { TroveError, type ErrorCode } from '../../../shared/api/errors.ts';
import { PaddleEngine, type PaddleEngineOptions, type PaddleFiles } from './paddle-engine.ts';

export interface OcrThreadData {
  files: PaddleFiles;
  options: PaddleEngineOptions;
}

export interface OcrRequest {
  id: number;
  imagePath: string;
}

export type OcrReply =
  | { id: number; ok: true; text: string; confidence: number }
  | { id: number; ok: false; code: ErrorCode; message: string; details?: unknown };

if (!parentPort) throw new Error('ocr-thread.ts must run in a worker thread');
const port = parentPort;
const { files, options } = workerData as OcrThreadData;
const engine = new PaddleEngine(files, options);
let chain: Promise<void> = Promise.resolve();

async function handle(req: OcrRequest): Promise<OcrReply> {
  try {
    const { text, confidence } = await engine.read(req.imagePath);
    return { id: req.id, ok: true, text, confidence };
  } catch (err) {
    // TroveErrors keep their code across the thread boundary; anything else is our failure.
    // Details go through JSON: plain data is all a reply may carry across threads.
    if (err instanceof TroveError) return { id: req.id, ok: false, code: err.code, message: err.message, details: JSON.parse(JSON.stringify(err.details ?? null)) as unknown };
    return { id: req.id, ok: false, code: 'PROCESSING_FAILED', message: 'Text recognition failed on this image.', details: { reason: err instanceof Error ? err.message : String(err) } };
  }
}

port.on('message', (req: OcrRequest) => {
  chain = chain.then(async () => port.postMessage(await handle(req)));
});
