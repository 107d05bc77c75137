/**
 * Faces: the BlazeFace "back" model bundled in @vladmandic/human (256×256, made for faces that are
 * small or far away, as in photos), run with tfjs on the vision worker's WASM backend.
 *
 * Why this way: human's face pipeline also loads mesh, iris, emotion and description models we don't
 * need, and its loader cannot read local files in Node; the detector alone answers what search needs
 * — is there a face, how many, how large — which turns into "portrait", "two people", "group".
 * The decoding follows human's own (dist/human.node*.js): 896 anchors on a 16×16 grid (2 per cell)
 * and an 8×8 grid (6 per cell); each prediction row is [logit, dx, dy, w, h, 6 landmarks × 2] in input
 * pixels. The picture is letterboxed onto a square so faces keep their shape.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadGraphModel, type GraphModel } from '@tensorflow/tfjs-converter';
import sharp from 'sharp';
import { area, iou } from './boxes.ts';
import { fileModelHandler, initTf } from './tf-runtime.ts';
import type { FaceResult } from './vision-types.ts';

const SIZE = 256;
/**
 * Scores under this are dropped. Measured on the 119 dev pictures (eval, 5 Dec): at ≥ 0.75 two faces,
 * both real (an astronaut's portrait, a cameraman); between 0.4 and 0.7 twenty more, all false (cut-out
 * fruit, toys and animals, a leaf). Human's default (0.2) would name faces everywhere.
 */
export const FACE_MIN_SCORE = 0.75;
const IOU_MERGE = 0.3;
const MAX_FACES = 20;

export interface FaceBox {
  score: number;
  /** Box in 0..1 of the square input (letterboxed picture). */
  x1: number;
  y1: number;
  x2: number;
  y2: number;
}

export class FaceDetector {
  private readonly anchors = anchorCentres();

  private constructor(private readonly graph: GraphModel) {}

  static async load(): Promise<FaceDetector> {
    await initTf();
    const require = createRequire(import.meta.url);
    const modelPath = join(dirname(require.resolve('@vladmandic/human')), '..', 'models', 'blazeface.json');
    return new FaceDetector(await loadGraphModel(fileModelHandler(modelPath)));
  }

  async detect(imagePath: string): Promise<FaceResult> {
    const { data, info } = await sharp(imagePath, { failOn: 'none', limitInputPixels: 268_402_689 })
      .rotate()
      .flatten({ background: '#000000' })
      .resize(SIZE, SIZE, { fit: 'contain', background: '#000000' })
      .removeAlpha()
      .toColourspace('srgb')
      .raw()
      .toBuffer({ resolveWithObject: true });
    const meta = await sharp(imagePath, { failOn: 'none', limitInputPixels: 268_402_689 }).rotate().metadata();
    const pixels = Float32Array.from(data, (v) => v / 127.5 - 1);
    const input = tf.tensor4d(pixels, [1, info.height, info.width, 3]);
    const outputs = this.graph.execute(input) as tf.Tensor[];
    try {
      // The four outputs are told apart by size: scores and regressors for 512 and 384 anchors.
      const bySize = [...outputs].sort((a, b) => a.size - b.size);
      const [s384, s512, r384, r512] = await Promise.all(bySize.map((t) => t.data()));
      const boxes = decode(
        this.anchors,
        concat(s512 as Float32Array, s384 as Float32Array),
        concat(r512 as Float32Array, r384 as Float32Array),
      );
      return summariseFaces(boxes, pictureShare(meta.width ?? SIZE, meta.height ?? SIZE));
    } finally {
      input.dispose();
      for (const t of outputs) t.dispose();
    }
  }

  dispose(): void {
    this.graph.dispose();
  }
}

/** Anchor centres in input pixels, in the model's order (stride 16 × 2, then stride 32 × 6). */
export function anchorCentres(): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [stride, perCell] of [[16, 2], [32, 6]] as const) {
    const cells = Math.ceil(SIZE / stride);
    for (let row = 0; row < cells; row++) {
      for (let col = 0; col < cells; col++) {
        for (let k = 0; k < perCell; k++) out.push([stride * (col + 0.5), stride * (row + 0.5)]);
      }
    }
  }
  return out;
}

/** Scores (one logit per anchor) and regressors (16 per anchor) → boxes above FACE_MIN_SCORE, merged. */
export function decode(anchors: Array<[number, number]>, logits: ArrayLike<number>, regressors: ArrayLike<number>): FaceBox[] {
  const found: FaceBox[] = [];
  for (let i = 0; i < anchors.length; i++) {
    const score = 1 / (1 + Math.exp(-(logits[i] ?? -Infinity)));
    if (!(score >= FACE_MIN_SCORE)) continue;
    const [ax, ay] = anchors[i] ?? [0, 0];
    const cx = ax + (regressors[i * 16] ?? 0);
    const cy = ay + (regressors[i * 16 + 1] ?? 0);
    const w = regressors[i * 16 + 2] ?? 0;
    const h = regressors[i * 16 + 3] ?? 0;
    found.push({ score, x1: (cx - w / 2) / SIZE, y1: (cy - h / 2) / SIZE, x2: (cx + w / 2) / SIZE, y2: (cy + h / 2) / SIZE });
  }
  const kept: FaceBox[] = [];
  for (const box of found.sort((a, b) => b.score - a.score)) {
    if (kept.length >= MAX_FACES) break;
    if (!kept.some((k) => iou(k, box) >= IOU_MERGE)) kept.push(box);
  }
  return kept;
}

/** How many faces, the best score, and how much of the picture the largest face covers. */
export function summariseFaces(boxes: FaceBox[], share: number): FaceResult {
  const areas = boxes.map((b) => area(b) / share);
  return {
    count: boxes.length,
    score: boxes.length > 0 ? Math.round(Math.max(...boxes.map((b) => b.score)) * 1000) / 1000 : 0,
    largestShare: areas.length > 0 ? Math.round(Math.min(1, Math.max(...areas)) * 1000) / 1000 : 0,
  };
}

/** The part of the square input the letterboxed picture fills. */
function pictureShare(width: number, height: number): number {
  const long = Math.max(width, height, 1);
  return (width / long) * (height / long);
}

function concat(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
