/**
 * The NSFW classifier: nsfwjs 4.4 (MobileNetV2, 224×224) with the weights bundled in the package,
 * on the same tfjs WASM backend as the detector. Loaded once per process inside the vision worker.
 *
 * Why this way: `load('MobileNetV2')` reads the weights from the package's own .min.js bundles
 * (no network); every other load path takes a URL. The reported score is P(porn) + P(hentai) +
 * P(sexy). The flag is deliberately conservative: explicit classes (porn + hentai) ≥ 0.5, or all
 * three ≥ 0.9. "Sexy" alone covers party dresses and swimwear — a real group photo from human's
 * assets scored sexy 0.61 / total 0.72 — and close-up flowers are a known false positive, so a
 * borderline miss is preferred over flagging ordinary photos.
 */
import * as tf from '@tensorflow/tfjs-core';
import { rgbPixels } from './image-pixels.ts';
import { initTf } from './tf-runtime.ts';
import type { NsfwResult } from './vision-types.ts';

/** Flag when P(porn) + P(hentai) reaches this… */
export const EXPLICIT_THRESHOLD = 0.5;
/** …or when P(porn) + P(hentai) + P(sexy) reaches this. */
export const TOTAL_THRESHOLD = 0.9;
const INPUT_SIZE = 224;

interface NsfwNet {
  classify(img: tf.Tensor3D, topk?: number): Promise<Array<{ className: string; probability: number }>>;
  dispose(): void;
}

export class NsfwModel {
  private constructor(
    private readonly net: NsfwNet,
  ) {}

  static async load(): Promise<NsfwModel> {
    // nsfwjs imports the full @tensorflow/tfjs (same tfjs-core as ours); pick the backend after that.
    const nsfwjs = await import('nsfwjs');
    await initTf();
    const info = console.info;
    console.info = () => undefined; // nsfwjs prints a banner on every load
    try {
      const net = (await nsfwjs.load('MobileNetV2')) as unknown as NsfwNet;
      return new NsfwModel(net);
    } finally {
      console.info = info;
    }
  }

  async classify(imagePath: string): Promise<NsfwResult> {
    const { data } = await rgbPixels(imagePath, INPUT_SIZE);
    const input = tf.tensor3d(data, [INPUT_SIZE, INPUT_SIZE, 3], 'int32');
    try {
      const predictions = await this.net.classify(input, 5);
      const p = (name: string) => predictions.find((x) => x.className === name)?.probability ?? 0;
      const explicit = p('Porn') + p('Hentai');
      const score = explicit + p('Sexy');
      return { nsfw: explicit >= EXPLICIT_THRESHOLD || score >= TOTAL_THRESHOLD, score: Math.round(score * 1000) / 1000 };
    } finally {
      input.dispose();
    }
  }

  dispose(): void {
    this.net.dispose();
  }
}
