/** When the app looks for updates: once at start, then every four hours. */
export const UPDATE_CHECK_EVERY_MS = 4 * 60 * 60 * 1000;

export interface UpdateScheduleOptions {
  check: () => Promise<unknown>;
  everyMs?: number;
  onError?: (err: unknown) => void;
}

/** Starts checking; returns a function that stops. A failed check (offline) just waits for the next one. */
export function scheduleUpdateChecks(opts: UpdateScheduleOptions): () => void {
  const run = () => {
    void opts.check().catch((err: unknown) => opts.onError?.(err));
  };
  run();
  const timer = setInterval(run, opts.everyMs ?? UPDATE_CHECK_EVERY_MS);
  timer.unref?.();
  return () => clearInterval(timer);
}
