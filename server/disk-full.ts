/**
 * Whether an error means the disk is full, wherever it came from: Node's ENOSPC, Postgres's
 * SQLSTATE 53100 (disk_full), or a message carrying "No space left on device" (PGlite and child
 * processes report it only in text). One test, so every path answers INSUFFICIENT_STORAGE alike.
 */
export function isDiskFull(err: unknown): boolean {
  if (err === null || typeof err !== 'object') return false;
  const { code, message } = err as { code?: unknown; message?: unknown };
  return code === 'ENOSPC' || code === '53100' || (typeof message === 'string' && /ENOSPC|No space left on device/.test(message));
}
