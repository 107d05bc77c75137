/**
 * Entry point of a text-embedding worker thread: loads USE-lite as soon as the thread starts
 * (tells the host `ready`, or why it could not), then answers one batch at a time.
 *
 * Why a thread: a model call is synchronous WASM work (a batch of 64 short texts holds its thread
 * for 0.4–0.7 s on 2 cores, a single query 15–30 ms); on the HTTP thread it stalled every request
 * behind it. Vectors go back as one flat Float32Array, transferred rather than copied (tfjs
 * computes in float32, so nothing is lost).
 */
import { parentPort } from 'node:worker_threads';
import { loadUseLite, modelUnavailableMessage } from './offline-embedder.ts';
import type { EmbedReply, EmbedRequest, EmbedWorkerStatus } from './embed-worker-types.ts';

if (!parentPort) throw new Error('embed-worker must run in a worker thread');
const port = parentPort;

const started = performance.now();
const loading = loadUseLite();
loading.then(
  () => port.postMessage({ ready: true, loadMs: Math.round(performance.now() - started) } satisfies EmbedWorkerStatus),
  (err: unknown) => port.postMessage({ ready: false, error: modelUnavailableMessage(err) } satisfies EmbedWorkerStatus),
);

let chain: Promise<void> = Promise.resolve();

async function handle(req: EmbedRequest): Promise<void> {
  const t0 = performance.now();
  try {
    const rows = await (await loading).embed(req.texts);
    const flat = new Float32Array(rows.length * req.dimensions);
    rows.forEach((row, i) => {
      if (row.length !== req.dimensions) throw new Error(`the model returned a vector of ${row.length} numbers, not ${req.dimensions}`);
      flat.set(row, i * req.dimensions);
    });
    const reply: EmbedReply = { id: req.id, ok: true, count: rows.length, vectors: flat, ms: performance.now() - t0 };
    port.postMessage(reply, [flat.buffer]);
  } catch (err) {
    port.postMessage({ id: req.id, ok: false, error: err instanceof Error ? err.message : String(err) } satisfies EmbedReply);
  }
}

// The host sends one batch at a time per worker; the chain keeps them in order regardless.
port.on('message', (req: EmbedRequest) => {
  chain = chain.then(() => handle(req));
});
