/**
 * The COCO-80 object detector: the CenterNet model bundled in @vladmandic/human, run with tfjs on
 * the WASM backend. Loaded once per process; meant to run inside the vision worker (a model call
 * blocks its thread for ~0.2 s).
 *
 * Why this way: human's own loader cannot read local files in Node and human as a whole would pull
 * in face/body models we don't need, so only its model files and label list are used. The model
 * outputs its 100 strongest peaks as `tower_0/detections` [1,100,6] = x1,y1,x2,y2,score,class (in
 * input pixels); peaks of one object can repeat, so boxes of one label that overlap are merged
 * (IoU ≥ 0.4, as human does) before counting. Scores under `minScore` are dropped: at human's 0.2
 * the model names things that are not there (measured on our fixtures), so search would match noise.
 */
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import { iou } from './boxes.ts';
import { COCO_LABELS } from './coco-labels.ts';
import { rgbPixels } from './image-pixels.ts';
import { calibrateLabels } from './label-calibration.ts';
import { fileModelHandler, initTf } from './tf-runtime.ts';
import type { VisionObject } from './vision-types.ts';

const INPUT_SIZE = 512;
const IOU_MERGE = 0.4;
export const DEFAULT_MIN_SCORE = 0.3;

export class CenternetDetector {
  private constructor(
    private readonly graph: GraphModel,
    private readonly minScore: number,
  ) {}

  static async load(minScore = DEFAULT_MIN_SCORE): Promise<CenternetDetector> {
    await initTf();
    const require = createRequire(import.meta.url);
    // human's "exports" hide package.json; its main entry is <package>/dist/human.node.js.
    const modelPath = join(dirname(require.resolve('@vladmandic/human')), '..', 'models', 'centernet.json');
    const graph = await loadGraphModel(fileModelHandler(modelPath));
    return new CenternetDetector(graph, minScore);
  }

  async detect(imagePath: string): Promise<VisionObject[]> {
    const { data } = await rgbPixels(imagePath, INPUT_SIZE);
    const input = tf.tensor4d(Float32Array.from(data), [1, INPUT_SIZE, INPUT_SIZE, 3], 'float32');
    let output: tf.Tensor | undefined;
    try {
      output = this.graph.execute(input, 'tower_0/detections') as tf.Tensor;
      const rows = await output.data();
      return calibrateLabels(summarise(parseDetections(rows, this.minScore)));
    } finally {
      input.dispose();
      output?.dispose();
    }
  }

  dispose(): void {
    this.graph.dispose();
  }
}

interface Box {
  label: string;
  score: number;
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

/** Rows of [x1,y1,x2,y2,score,class] → boxes at or above minScore with a known class. */
export function parseDetections(rows: ArrayLike<number>, minScore: number): Box[] {
  const boxes: Box[] = [];
  for (let i = 0; i + 5 < rows.length; i += 6) {
    const score = rows[i + 4] ?? 0;
    const cls = rows[i + 5] ?? Number.NaN;
    const label = Number.isInteger(cls) ? COCO_LABELS[cls] : undefined;
    if (!(score >= minScore) || label === undefined) continue;
    boxes.push({ label, score, x1: rows[i] ?? 0, y1: rows[i + 1] ?? 0, x2: rows[i + 2] ?? 0, y2: rows[i + 3] ?? 0 });
  }
  return boxes;
}

/** One entry per label: the best score and how many distinct (non-overlapping) boxes carry it. */
export function summarise(boxes: Box[]): VisionObject[] {
  const kept: Box[] = [];
  for (const box of [...boxes].sort((a, b) => b.score - a.score)) {
    if (!kept.some((k) => k.label === box.label && iou(k, box) >= IOU_MERGE)) kept.push(box);
  }
  const byLabel = new Map<string, VisionObject>();
  for (const box of kept) {
    const seen = byLabel.get(box.label);
    if (seen) seen.count += 1;
    else byLabel.set(box.label, { label: box.label, score: Math.round(box.score * 1000) / 1000, count: 1 });
  }
  return [...byLabel.values()].sort((a, b) => b.score - a.score);
}
