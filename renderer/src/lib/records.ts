/** A copy of `record` without `key` (per-row flags and errors in the stores). */
export function omit<T>(record: Record<string, T>, key: string): Record<string, T> {
  const { [key]: _drop, ...rest } = record;
  return rest;
}
