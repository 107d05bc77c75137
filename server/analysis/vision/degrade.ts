/**
 * Degrade-gracefully wrappers: a vision analyzer whose model package is missing or whose model
 * throws logs one warning and then answers "nothing found", so the file still completes with what
 * the other analyzers extracted.
 *
 * Why this way: the pipeline composes several optional analyzers; none of them may fail a file.
 * Aborts are the caller's own decision and are passed through. A model that cannot load is switched
 * off for the rest of the process (no worker restart per file); an error on one picture (a corrupt
 * file) is answered with the empty result and only the first such error is logged as a warning.
 */
import type { Logger } from '../../logger.ts';
import type { NsfwClassifier, ObjectDetector } from '../types.ts';
import { VisionModelUnavailableError } from './vision-worker-host.ts';

type WarnLog = Pick<Logger, 'warn' | 'debug'>;

class Guard {
  private warned = false;
  disabled = false;

  constructor(
    private readonly name: string,
    private readonly log: WarnLog,
  ) {}

  async call<T>(signal: AbortSignal | undefined, empty: T, work: () => Promise<T>): Promise<T> {
    if (this.disabled) return empty;
    try {
      return await work();
    } catch (err) {
      if (signal?.aborted) throw err;
      if (err instanceof VisionModelUnavailableError) this.disabled = true;
      const msg = this.disabled
        ? `${this.name} unavailable; pictures are indexed without it`
        : `${this.name} failed on a picture; it is indexed without it`;
      if (!this.warned) this.log.warn({ err }, msg);
      else this.log.debug({ err }, msg);
      this.warned = true;
      return empty;
    }
  }
}

export function resilientDetector(inner: ObjectDetector, log: WarnLog): ObjectDetector {
  const guard = new Guard('object detection', log);
  return {
    model: inner.model,
    detect: (imagePath, signal) => guard.call(signal, [], () => inner.detect(imagePath, signal)),
    close: () => inner.close(),
  };
}

export function resilientNsfw(inner: NsfwClassifier, log: WarnLog): NsfwClassifier {
  const guard = new Guard('NSFW detection', log);
  return {
    model: inner.model,
    classify: (imagePath, signal) => guard.call(signal, { nsfw: false, score: 0 }, () => inner.classify(imagePath, signal)),
    close: () => inner.close(),
  };
}

/** Stand-in for an analyzer whose package is not installed. */
export function missingDetector(model: string): ObjectDetector {
  return { model, detect: async () => [], close: async () => undefined };
}

export function missingNsfw(model: string): NsfwClassifier {
  return { model, classify: async () => ({ nsfw: false, score: 0 }), close: async () => undefined };
}
