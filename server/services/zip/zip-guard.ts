import { Transform, type TransformCallback } from 'node:stream';
import zlib from 'node:zlib';
import { TroveError } from '../../../shared/api/errors.ts';
import type { ZipConfig } from '../../config-zip.ts';

/** Below this many inflated bytes an entry's ratio is not judged: a small file of zeros is harmless. */
const RATIO_GRACE_BYTES = 1024 * 1024;

/** What an archive inflated so far, across its entries. */
export class InflateBudget {
  total = 0;
  constructor(readonly limits: Pick<ZipConfig, 'maxTotalSize' | 'maxRatio'>) {}
}

/**
 * Counts one entry's inflated bytes as they stream and stops the stream the moment the archive
 * goes over its total or the entry over its ratio — from what actually came out, so a header that
 * lies about sizes gains nothing. At the end it compares size and CRC-32 with the header's.
 */
export class EntryGuard extends Transform {
  private bytes = 0;
  private crc = 0;

  constructor(
    private readonly budget: InflateBudget,
    private readonly entry: { name: string; compressedSize: number; declaredSize: number; crc32: number },
    /** Bytes one entry may have (the upload size limit); over it the entry alone fails. */
    private readonly maxEntryBytes: number,
  ) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    this.budget.total += chunk.length;
    const { maxTotalSize, maxRatio } = this.budget.limits;
    if (this.budget.total > maxTotalSize) return done(zipTooLarge(maxTotalSize));
    if (this.bytes > RATIO_GRACE_BYTES && this.bytes > maxRatio * Math.max(1, this.entry.compressedSize)) {
      return done(new TroveError('ZIP_RATIO_EXCEEDED',
        `"${this.entry.name}" inflates to more than ${maxRatio} times its compressed size, which is how zip bombs work; the archive was refused. If it is genuine, unpack it and upload the files.`));
    }
    if (this.bytes > this.maxEntryBytes) {
      return done(new TroveError('FILE_TOO_LARGE', `"${this.entry.name}" is larger than the ${Math.round(this.maxEntryBytes / 1024 / 1024)} MB upload limit.`));
    }
    this.crc = zlib.crc32(chunk, this.crc);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    if (this.bytes !== this.entry.declaredSize || this.crc !== this.entry.crc32) return done(entryCorrupt(this.entry.name));
    done();
  }
}

export const zipTooLarge = (max: number) => new TroveError('ZIP_TOO_LARGE',
  `The archive unpacks to more than ${formatBytes(max)}, the most one upload may unpack. Split it into smaller archives.`);

export const entryCorrupt = (name: string, why = 'its bytes do not match its checksum') =>
  new TroveError('ZIP_ENTRY_CORRUPT', `"${name}" is damaged inside the archive (${why}); it was not kept. Create the archive again to include it.`);

function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${+(n / 1024 ** 3).toFixed(1)} GB` : `${+(n / 1024 ** 2).toFixed(1)} MB`;
}

/** Whether an error ends the whole archive (a bomb) rather than one entry. */
export const refusesArchive = (err: unknown): err is TroveError =>
  err instanceof TroveError && (err.code === 'ZIP_TOO_LARGE' || err.code === 'ZIP_RATIO_EXCEEDED');
