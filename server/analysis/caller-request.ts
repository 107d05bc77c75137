import { abortReason } from './cloud/errors.ts';

/**
 * One caller's inputs inside a batcher (the cloud embedder's micro-batcher, the offline embedder):
 * the outputs arrive by index from whichever batches carried them, and the caller's promise settles
 * once — on the last output, the first error or the caller's abort — after which anything else is
 * dropped. Batchers skip the queued inputs of a settled request.
 */
export class CallerRequest<O> {
  readonly promise: Promise<O[]>;
  private readonly results: O[];
  private remaining: number;
  private done = false;
  private settle: { resolve(out: O[]): void; reject(err: Error): void } | undefined;
  private readonly onAbort = (): void => this.reject(abortReason(this.signal!));

  /** `count` outputs are expected (at least one); an abort of `signal` rejects with its reason. */
  constructor(count: number, readonly signal: AbortSignal | undefined) {
    this.results = new Array<O>(count);
    this.remaining = count;
    this.promise = new Promise<O[]>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  get settled(): boolean {
    return this.done;
  }

  /** The output for the caller's input at `index`; the last one resolves the caller. */
  deliver(index: number, output: O): void {
    if (this.done) return;
    this.results[index] = output;
    if (--this.remaining === 0) this.finish()?.resolve(this.results);
  }

  reject(err: Error): void {
    if (!this.done) this.finish()?.reject(err);
  }

  private finish(): CallerRequest<O>['settle'] {
    this.done = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    return this.settle;
  }
}
