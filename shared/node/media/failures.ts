import { TroveError } from '../../api/errors.ts';

/** Aborts come from a caller's deadline, so they are reported as a timeout that may be retried. */
export function abortError(reason?: unknown): TroveError {
  return new TroveError(
    'PROCESSING_TIMEOUT',
    'Processing this file took too long and was stopped. Try again later, or upload a shorter or smaller file.',
    undefined,
    { cause: reason },
  );
}

export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw abortError(signal.reason);
}

/**
 * Errors about our own disk (full, permissions, missing working files) are not the user's file's fault,
 * so they are retryable failures rather than CORRUPT_FILE.
 */
export function fileSystemError(err: unknown, action: string): TroveError {
  if (err instanceof TroveError) return err;
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') {
    return new TroveError('INSUFFICIENT_STORAGE', `The server ran out of disk space while ${action}. Try again later.`, { code }, { cause: err });
  }
  if (code === 'ENOENT') {
    return new TroveError('PROCESSING_FAILED', `The file disappeared from storage while ${action}. Upload it again.`, { code }, { cause: err });
  }
  return new TroveError('PROCESSING_FAILED', `Something went wrong on our side while ${action}. Try again later.`, { code }, { cause: err });
}
