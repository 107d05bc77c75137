import type { Env } from './config-errors.ts';
import { size, wholeNumber } from './config-parse.ts';

/**
 * Limits on ZIP archives, in (a bomb is refused before anything is kept) and out. Checked against the
 * bytes actually inflated, not the sizes an archive declares, so a lying header gains nothing.
 */
export interface ZipConfig {
  /** Entries (files and folders) one archive may hold. */
  maxEntries: number;
  /** Bytes all entries together may inflate to. */
  maxTotalSize: number;
  /** How many times larger than its compressed bytes an entry may inflate (past its first MiB). */
  maxRatio: number;
  /** Files one `GET /download?ids=` may name. */
  downloadMaxIds: number;
}

export function loadZipConfig(env: Env): ZipConfig {
  return {
    maxEntries: wholeNumber(env, 'TROVE_ZIP_MAX_ENTRIES', 10_000, 1, 1_000_000),
    maxTotalSize: size(env, 'TROVE_ZIP_MAX_TOTAL_SIZE', 4 * 1024 ** 3),
    maxRatio: wholeNumber(env, 'TROVE_ZIP_MAX_RATIO', 200, 2, 100_000),
    downloadMaxIds: wholeNumber(env, 'TROVE_DOWNLOAD_MAX_IDS', 300, 1, 100_000),
  };
}
