/**
 * Immediate local thumbnails for queued files, made before (and independently of) the upload with
 * the same Node media toolkit the server uses: an image is scaled, a video gives its first frame, a
 * PDF its first page, audio its waveform, other documents a text card. Each is returned as a small
 * data: URL. A limited number run at once so a big drop does not starve the upload queue.
 */
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { extractFrames, makeTextCard, makeThumbnail, makeWaveform, readDocx, readTextFile, renderPdfPage, sniffFile } from '../shared/node/media/index.ts';

export interface ThumbnailMaker {
  make(file: string): Promise<string | null>;
}

/** Runs at most `limit` async jobs at once, in the order they were asked for. */
export class Limiter {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  constructor(private readonly limit: number) {}

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.active++;
    try {
      return await job();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

export interface LocalThumbnailOptions {
  /** Edge of the square thumbnail, in pixels (small: it travels over IPC as base64). */
  size?: number;
  concurrency?: number;
  /** Per-file time limit; big videos and PDFs are cut off rather than holding a slot. */
  timeoutMs?: number;
  scratchDir?: string;
}

export class LocalThumbnails implements ThumbnailMaker {
  private readonly limiter: Limiter;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly scratchDir: string;

  constructor(opts: LocalThumbnailOptions = {}) {
    this.limiter = new Limiter(opts.concurrency ?? 2);
    this.size = opts.size ?? 96;
    this.timeoutMs = opts.timeoutMs ?? 20_000;
    this.scratchDir = opts.scratchDir ?? os.tmpdir();
  }

  /** A data: URL, or null when the file cannot be previewed (unsupported, damaged, gone, too slow). */
  make(file: string): Promise<string | null> {
    return this.limiter.run(() => this.makeNow(file).catch(() => null));
  }

  private async makeNow(file: string): Promise<string | null> {
    const signal = AbortSignal.timeout(this.timeoutMs);
    const dir = await fs.mkdtemp(path.join(this.scratchDir, 'trove-thumb-'));
    try {
      const sniffed = await sniffFile(file, path.basename(file));
      const size = this.size;
      let still: string;
      switch (sniffed.fileType) {
        case 'image':
          still = path.join(dir, 'thumb.jpg');
          await makeThumbnail(file, still, { size, signal });
          return dataUrl('image/jpeg', await fs.readFile(still));
        case 'video': {
          const frames = await extractFrames(file, dir, { everySec: 3600, maxSec: 1, width: size * 2, signal });
          still = frames[0]!;
          break;
        }
        case 'audio':
          still = path.join(dir, 'wave.png');
          await makeWaveform(file, still, { width: size * 2, height: size, signal });
          return dataUrl('image/png', await sharp(still).resize(size, size, { fit: 'contain', background: { r: 0, g: 0, b: 0, alpha: 0 } }).png().toBuffer());
        case 'document':
          still = path.join(dir, 'page.png');
          if (sniffed.mime === 'application/pdf') {
            await renderPdfPage(file, still, { page: 1, width: size * 2, signal });
          } else {
            const doc = sniffed.mime === 'text/plain' || sniffed.mime === 'text/markdown' ? await readTextFile(file, { maxChars: 2000 }) : await readDocx(file, { maxChars: 2000 });
            await makeTextCard({ title: path.basename(file), text: doc.text, outPath: still, size: size * 2 });
          }
          break;
        default:
          return null;
      }
      const jpeg = await sharp(still).resize(size, size, { fit: 'cover', position: 'top' }).flatten({ background: '#ffffff' }).jpeg({ quality: 70 }).toBuffer();
      return dataUrl('image/jpeg', jpeg);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  }
}

const dataUrl = (mime: string, bytes: Buffer): string => `data:${mime};base64,${bytes.toString('base64')}`;
