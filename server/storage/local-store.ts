import { createReadStream } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { assertSafeKey, type BlobStore } from './blob-store.ts';

/** Files under `<data dir>/files`, written by rename so a reader never sees half a file. */
export class LocalBlobStore implements BlobStore {
  readonly kind = 'local' as const;
  constructor(private readonly root: string) {}

  private pathOf(key: string): string {
    assertSafeKey(key);
    return path.join(this.root, ...key.split('/'));
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const target = this.pathOf(key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    try {
      await fs.rename(localPath, target);
    } catch (err) {
      // Temp files on another filesystem cannot be renamed; copy to a sibling then rename.
      if ((err as NodeJS.ErrnoException).code !== 'EXDEV') throw err;
      await fs.copyFile(localPath, `${target}.part`);
      await fs.rename(`${target}.part`, target);
      await fs.rm(localPath, { force: true });
    }
  }

  read(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const file = this.pathOf(key);
    return new Promise((resolve, reject) => {
      const stream = createReadStream(file, range ? { start: range.start, end: range.end } : {});
      stream.once('open', () => resolve(stream));
      stream.once('error', reject);
    });
  }

  async stat(key: string): Promise<{ size: number } | null> {
    try {
      const s = await fs.stat(this.pathOf(key));
      return { size: s.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw err;
    }
  }

  localCopy(key: string): Promise<{ path: string; release(): Promise<void> }> {
    return Promise.resolve({ path: this.pathOf(key), release: () => Promise.resolve() });
  }

  async deletePrefix(prefix: string): Promise<void> {
    const parts = prefix.split('/').filter(Boolean);
    if (parts.length !== 2 || !parts.every((p) => /^[0-9a-f-]{36}$/.test(p))) {
      throw new Error(`Unsafe storage prefix: ${JSON.stringify(prefix)}`);
    }
    await fs.rm(path.join(this.root, ...parts), { recursive: true, force: true });
  }

  async *listUploadPrefixes(): AsyncIterable<{ prefix: string; modifiedAt: Date }> {
    const users = await fs.readdir(this.root).catch(() => [] as string[]);
    for (const user of users) {
      const uploads = await fs.readdir(path.join(this.root, user)).catch(() => [] as string[]);
      for (const upload of uploads) {
        const s = await fs.stat(path.join(this.root, user, upload)).catch(() => null);
        if (s?.isDirectory()) yield { prefix: `${user}/${upload}/`, modifiedAt: s.mtime };
      }
    }
  }
}
