// A stand-in for vision-worker.ts that speaks the same protocol without loading any model, so the
// host's queueing, batching, abort, crash and restart behaviour can be tested quickly.
import { parentPort, threadId } from 'node:worker_threads';
import type { VisionRequest, VisionResponse } from '../../../../server/analysis/vision/vision-types.ts';

const port = parentPort!;
port.on('message', (req: VisionRequest) => {
  const reply = (res: VisionResponse) => port.postMessage(res);
  // A batch: one item per picture, 'broken' ones failing alone (the real worker's contract).
  if (req.imagePaths) {
    const items = req.imagePaths.map((p) => (p === 'broken'
      ? { ok: false as const, error: 'bad image' }
      : { ok: true as const, result: [{ label: `thread-${threadId}:${p}`, score: 1, count: req.imagePaths!.length }] }));
    setTimeout(() => reply({ id: req.id, ok: true, ms: 0, result: [], items }), 0);
    return;
  }
  if (req.imagePath === 'crash') process.exit(3);
  if (req.imagePath === 'missing') return reply({ id: req.id, ok: false, error: 'no model', missingModel: true });
  if (req.imagePath === 'broken') return reply({ id: req.id, ok: false, error: 'bad image' });
  const delay = req.imagePath.startsWith('slow') ? 200 : 0;
  setTimeout(() => reply({ id: req.id, ok: true, ms: delay, result: [{ label: `thread-${threadId}`, score: 1, count: 1 }] }), delay);
});
port.postMessage({ ready: true });
