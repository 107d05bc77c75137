/**
 * The vision analyzers for the composition root: `createVisionAnalyzers(log)` returns an object
 * detector and an NSFW classifier that share one lazily started worker (see vision-worker-host.ts),
 * each wrapped so that a missing or failing model degrades to empty results with one warning.
 * `sceneCues` needs no model and runs in the calling process.
 *
 * Why this way: the server imports only this module; tfjs, nsfwjs and the model files are loaded in
 * the worker, never on the API's thread. Package presence is checked up front (resolution only,
 * nothing loaded) so a missing package costs neither a worker start nor a per-file error.
 */
import { createRequire } from 'node:module';
import type { Logger } from '../../logger.ts';
import type { NsfwClassifier, ObjectDetector } from '../types.ts';
import { missingDetector, missingNsfw, resilientDetector, resilientNsfw } from './degrade.ts';
import { VisionWorkerHost, type VisionWorkerHostOptions } from './vision-worker-host.ts';
import { CENTERNET_MODEL, NSFW_MODEL } from './vision-types.ts';

export { sceneCues, colourName, type SceneCues, type ColourName, type ColourShare } from './scene-cues.ts';
export { VisionWorkerHost, VisionModelUnavailableError } from './vision-worker-host.ts';
export type { VisionObject, NsfwResult } from './vision-types.ts';
export { CENTERNET_MODEL, NSFW_MODEL } from './vision-types.ts';

export interface VisionAnalyzers {
  detector: ObjectDetector;
  nsfw: NsfwClassifier;
  /** The shared worker pool (for stats and tests). */
  host: VisionWorkerHost;
  /** Stops the worker(s); same as closing both analyzers. */
  close(): Promise<void>;
}

export interface VisionAnalyzerOptions extends VisionWorkerHostOptions {
  /** Packages to check before use; tests pass a missing name to exercise the fallback. */
  requiredPackages?: { detector?: string[]; nsfw?: string[] };
}

const TFJS = ['@tensorflow/tfjs-core', '@tensorflow/tfjs-converter', '@tensorflow/tfjs-backend-wasm'];

export function createVisionAnalyzers(log: Pick<Logger, 'warn' | 'debug'>, options: VisionAnalyzerOptions = {}): VisionAnalyzers {
  const host = new VisionWorkerHost(options);
  const close = () => host.close();
  const detectorPkgs = options.requiredPackages?.detector ?? [...TFJS, '@vladmandic/human'];
  const nsfwPkgs = options.requiredPackages?.nsfw ?? [...TFJS, 'nsfwjs', '@tensorflow/tfjs'];

  const missingForDetector = missingPackages(detectorPkgs);
  const detector =
    missingForDetector.length > 0
      ? warnMissing(log, 'object detection', missingForDetector, missingDetector(CENTERNET_MODEL))
      : resilientDetector({ model: CENTERNET_MODEL, detect: (p, s) => host.detect(p, s), close }, log);

  const missingForNsfw = missingPackages(nsfwPkgs);
  const nsfw =
    missingForNsfw.length > 0
      ? warnMissing(log, 'NSFW detection', missingForNsfw, missingNsfw(NSFW_MODEL))
      : resilientNsfw({ model: NSFW_MODEL, classify: (p, s) => host.classifyNsfw(p, s), close }, log);

  return { detector, nsfw, host, close };
}

function missingPackages(names: string[]): string[] {
  const require = createRequire(import.meta.url);
  return names.filter((name) => {
    try {
      require.resolve(name);
      return false;
    } catch {
      return true;
    }
  });
}

function warnMissing<T>(log: Pick<Logger, 'warn'>, what: string, missing: string[], fallback: T): T {
  log.warn({ missing }, `${what} is off: package(s) not installed: ${missing.join(', ')}`);
  return fallback;
}
