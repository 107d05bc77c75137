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
  /** The network behind nsfwjs's classify: [n, 224, 224, 3] floats 0..1 → [n, 5] class probabilities. */
  model: { predict(x: tf.Tensor4D): tf.Tensor | tf.Tensor[] };
  dispose(): void;
}

/** The order of the model's outputs (nsfwjs's NSFW_CLASSES). */
const CLASSES = ['Drawing', 'Hentai', 'Neutral', 'Porn', 'Sexy'];

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
    const [result] = await this.classifyMany([imagePath]);
    if (!result || result instanceof Error) throw result ?? new Error('no NSFW result');
    return result;
  }

  /**
   * Several pictures through the network as one batch (one model call instead of one each; what
   * nsfwjs's classify does for one picture: pixels / 255, then predict), each with the verdict
   * `classify` gives it. A picture that cannot be decoded gets its Error; the others their verdict.
   */
  async classifyMany(imagePaths: string[]): Promise<Array<NsfwResult | Error>> {
    const decoded = await Promise.allSettled(imagePaths.map((p) => rgbPixels(p, INPUT_SIZE)));
    const pixels = decoded.flatMap((d) => (d.status === 'fulfilled' ? [d.value.data] : []));
    const probabilities = pixels.length > 0 ? await this.predict(pixels) : [];
    let next = 0;
    return decoded.map((d) => (d.status === 'fulfilled'
      ? verdict(probabilities[next++]!)
      : d.reason instanceof Error ? d.reason : new Error(String(d.reason))));
  }

  private async predict(pixels: Uint8Array[]): Promise<Float32Array[]> {
    const output = tf.tidy(() => {
      const batch = tf.stack(pixels.map((d) => tf.tensor3d(d, [INPUT_SIZE, INPUT_SIZE, 3], 'int32').toFloat().div(255))) as tf.Tensor4D;
      return this.net.model.predict(batch) as tf.Tensor;
    });
    try {
      const all = (await output.data()) as Float32Array;
      return pixels.map((_, i) => all.slice(i * CLASSES.length, (i + 1) * CLASSES.length));
    } finally {
      output.dispose();
    }
  }

  dispose(): void {
    this.net.dispose();
  }
}

/** One picture's class probabilities → the flag and score (see the thresholds above). */
function verdict(probabilities: Float32Array): NsfwResult {
  const p = (name: string) => probabilities[CLASSES.indexOf(name)] ?? 0;
  const explicit = p('Porn') + p('Hentai');
  const score = explicit + p('Sexy');
  return {
    nsfw: explicit >= EXPLICIT_THRESHOLD || score >= TOTAL_THRESHOLD,
    score: Math.round(score * 1000) / 1000,
    drawing: Math.round(p('Drawing') * 1000) / 1000,
  };
}
