// Types shared by the vision worker and its host (the worker's message protocol).
import type { DetectedObject } from '../types.ts';

/** Model names recorded with results (kept here so the main thread never imports tfjs). */
export const CENTERNET_MODEL = 'centernet-coco80';
export const NSFW_MODEL = 'nsfwjs-mobilenetv2';

/** A detected COCO label: best score plus how many separate boxes showed it. */
export interface VisionObject extends DetectedObject {
  count: number;
}

export interface NsfwResult {
  nsfw: boolean;
  /** porn + hentai + sexy probability, 0..1 */
  score: number;
  /** Probability of the model's "drawing" class (illustrations, paintings, cartoons), 0..1. */
  drawing?: number;
}

/** Faces the face detector is sure of: how many, the best score, the largest one's share of the picture. */
export interface FaceResult {
  count: number;
  score: number;
  /** 0..1 of the picture's area covered by the largest face's box. */
  largestShare: number;
}

export type VisionTask = 'detect' | 'nsfw';

export interface VisionRequest {
  id: number;
  task: VisionTask;
  imagePath: string;
  /**
   * Several pictures for the same task in one call (requests that queued up while the worker was
   * busy, e.g. two files processed side by side): answered with `items`, one per picture in this
   * order; `imagePath` is then the first of them.
   */
  imagePaths?: string[];
}

/** One picture's answer inside a batch: each picture succeeds or fails on its own. */
export type VisionItem =
  | { ok: true; result: VisionObject[] | NsfwResult }
  | { ok: false; error: string };

export type VisionResponse =
  | { id: number; ok: true; result: VisionObject[] | NsfwResult; items?: VisionItem[]; ms: number }
  | { id: number; ok: false; error: string; missingModel?: boolean };

/** Sent once by the worker after it starts listening. */
export interface VisionReady {
  ready: true;
}
