/**
 * Entry point of the vision worker thread: loads each model on first use (once per worker) and
 * answers one request at a time.
 *
 * Why a worker: a model call blocks its thread for 0.1–0.4 s and the tfjs WASM runtime installs
 * process-wide `uncaughtException`/`unhandledRejection` handlers that rethrow; in a worker thread both
 * stay away from the API's event loop. Requests are run strictly one after another (the models
 * share one tfjs engine and WASM heap), so parallelism comes from the host's pool of workers.
 */
import { parentPort } from 'node:worker_threads';
import { CenternetDetector } from './centernet-detector.ts';
import { FaceDetector } from './face-detector.ts';
import { NsfwModel } from './nsfw-model.ts';
import type { VisionItem, VisionReady, VisionRequest, VisionResponse } from './vision-types.ts';

if (!parentPort) throw new Error('vision-worker.ts must run in a worker thread');
const port = parentPort;

let detector: Promise<CenternetDetector> | undefined;
let nsfw: Promise<NsfwModel> | undefined;
// Faces are optional: without the face model, detection still answers with the COCO objects.
let faces: Promise<FaceDetector | undefined> | undefined;
let chain: Promise<void> = Promise.resolve();

class ModelUnavailable extends Error {}

async function model<T>(load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (err) {
    throw new ModelUnavailable(err instanceof Error ? err.message : String(err));
  }
}

async function handle(req: VisionRequest): Promise<VisionResponse> {
  const started = performance.now();
  try {
    if (req.task === 'detect') {
      detector ??= model(() => CenternetDetector.load());
      const result = await (await detector).detect(req.imagePath);
      faces ??= FaceDetector.load().catch(() => undefined);
      const face = await (await faces)?.detect(req.imagePath).catch(() => undefined);
      // A face is one more thing seen, with how many and how much of the picture the largest covers.
      if (face && face.count > 0) result.push({ label: 'face', score: face.score, count: face.count, share: face.largestShare });
      return { id: req.id, ok: true, result, ms: performance.now() - started };
    }
    nsfw ??= model(() => NsfwModel.load());
    const result = await (await nsfw).classify(req.imagePath);
    return { id: req.id, ok: true, result, ms: performance.now() - started };
  } catch (err) {
    return {
      id: req.id,
      ok: false,
      error: err instanceof Error ? err.message : String(err),
      missingModel: err instanceof ModelUnavailable,
    };
  }
}

/**
 * Several pictures in one call: NSFW runs them through the model as one batch tensor; detection
 * goes picture by picture, because CenterNet's graph is built for a batch of one (its reshapes
 * name the size: a batch of 4 fails with "Size(262144) must match the product of shape 16384,4").
 * Each picture fails alone; a model that cannot load fails the call, as for one picture.
 */
async function handleBatch(req: VisionRequest, imagePaths: string[]): Promise<VisionResponse> {
  const started = performance.now();
  const items: VisionItem[] = [];
  try {
    if (req.task === 'nsfw') {
      nsfw ??= model(() => NsfwModel.load());
      for (const r of await (await nsfw).classifyMany(imagePaths)) {
        items.push(r instanceof Error ? { ok: false, error: r.message } : { ok: true, result: r });
      }
    } else {
      for (const imagePath of imagePaths) {
        const res = await handle({ id: req.id, task: req.task, imagePath });
        if (!res.ok && res.missingModel) return res;
        items.push(res.ok ? { ok: true, result: res.result } : { ok: false, error: res.error });
      }
    }
  } catch (err) {
    return { id: req.id, ok: false, error: err instanceof Error ? err.message : String(err), missingModel: err instanceof ModelUnavailable };
  }
  return { id: req.id, ok: true, result: [], items, ms: performance.now() - started };
}

port.on('message', (req: VisionRequest) => {
  const imagePaths = req.imagePaths;
  chain = chain.then(async () => port.postMessage(imagePaths ? await handleBatch(req, imagePaths) : await handle(req)));
});
port.postMessage({ ready: true } satisfies VisionReady);
