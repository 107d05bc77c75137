/**
 * The queue's file, `<userData>/upload-queue.json`: every item (minus its thumbnail) and the tus
 * URL storage, rewritten atomically on each state change (progress is saved at most twice a
 * second), so a quit or a crash loses at most a moment of progress — and tus gets that back from
 * the server's offset.
 */
import { randomBytes } from 'node:crypto';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';
import type { QueueItem } from '../../shared/ipc/contract.ts';
import { JsonFileWriter, readJsonFile } from '../json-file.ts';

export interface PersistedItem extends Omit<QueueItem, 'thumbnail'> {
  source: 'user' | 'sync';
  /** SHA-256 of the content when last hashed, with the size and mtime it was hashed at. */
  sha256: string | null;
  mtimeMs: number | null;
  metadata: Record<string, unknown> | null;
  /** Upload attempts that ended in a retryable failure since the last success or user retry. */
  attempts: number;
}

interface TusEntry {
  fingerprint: string;
  upload: Omit<PreviousUpload, 'urlStorageKey'>;
}

interface QueueFile {
  version: 1;
  items: PersistedItem[];
  tus: Record<string, TusEntry>;
}

export class QueueStore {
  items: PersistedItem[] = [];
  private tus: Record<string, TusEntry> = {};
  private readonly writer: JsonFileWriter;

  private constructor(readonly file: string, onError: (err: unknown) => void) {
    this.writer = new JsonFileWriter(file, () => this.snapshot(), 500, onError);
  }

  static async open(file: string, onError: (err: unknown) => void = () => undefined): Promise<QueueStore> {
    const store = new QueueStore(file, onError);
    const saved = await readJsonFile<Partial<QueueFile>>(file);
    if (saved?.version === 1) {
      store.items = Array.isArray(saved.items) ? saved.items : [];
      store.tus = saved.tus && typeof saved.tus === 'object' ? saved.tus : {};
    }
    return store;
  }

  private snapshot(): QueueFile {
    return { version: 1, items: this.items, tus: this.tus };
  }

  /** Save now (state changes). */
  save(): Promise<void> {
    return this.writer.flush();
  }

  /** Save soon (progress). */
  saveLater(): void {
    this.writer.schedule();
  }

  /** Forget pending writes without saving (a simulated crash). */
  dispose(): void {
    this.writer.dispose();
  }

  removeTusEntries(fingerprint: string): void {
    for (const [key, entry] of Object.entries(this.tus)) if (entry.fingerprint === fingerprint) delete this.tus[key];
  }

  /**
   * tus-js-client's URL storage over this file. URLs are kept as paths and resolved against the
   * server's current address, which may have another port after the embedded server restarted.
   */
  urlStorage(currentBase: () => string): UrlStorage {
    const resolve = (key: string, e: TusEntry): PreviousUpload => ({
      ...e.upload,
      uploadUrl: e.upload.uploadUrl ? new URL(e.upload.uploadUrl, `${currentBase()}/`).href : null,
      urlStorageKey: key,
    });
    return {
      findAllUploads: () => Promise.resolve(Object.entries(this.tus).map(([k, e]) => resolve(k, e))),
      findUploadsByFingerprint: (fingerprint) =>
        Promise.resolve(Object.entries(this.tus).filter(([, e]) => e.fingerprint === fingerprint).map(([k, e]) => resolve(k, e))),
      removeUpload: async (key) => {
        delete this.tus[key];
        await this.save();
      },
      addUpload: async (fingerprint, upload) => {
        const key = `tus::${fingerprint}::${randomBytes(6).toString('hex')}`;
        const { urlStorageKey: _ignored, ...rest } = upload;
        const pathOnly = rest.uploadUrl ? new URL(rest.uploadUrl).pathname : null;
        // One live entry per content: a newer upload of the same bytes replaces an older one.
        this.removeTusEntries(fingerprint);
        this.tus[key] = { fingerprint, upload: { ...rest, uploadUrl: pathOnly } };
        await this.save();
        return key;
      },
    };
  }
}
