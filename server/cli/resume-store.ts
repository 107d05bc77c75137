/**
 * Where `trove add` keeps the URLs of its unfinished resumable uploads between runs: a small JSON
 * file in the user's cache folder (`~/.cache/Trove/cli-uploads.json` on Linux; XDG_CACHE_HOME moves
 * it). An upload cut off by Ctrl+C, a crash or a lost network continues from the server's offset the
 * next time the same file is added to the same server. Entries go when their upload finishes, and
 * after a week (the server forgets unfinished uploads then too). Two runs at once may overwrite each
 * other's entries: the worst that does is an upload that starts over.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import envPaths from 'env-paths';
import type { PreviousUpload, UrlStorage } from 'tus-js-client';

const KEEP_MS = 7 * 24 * 3600 * 1000;

interface Entry {
  fingerprint: string;
  upload: Omit<PreviousUpload, 'urlStorageKey'>;
  savedAt: number;
}

export function defaultResumeFile(): string {
  return path.join(envPaths('Trove', { suffix: '' }).cache, 'cli-uploads.json');
}

/**
 * The identity of one file's content as this run sees it, for one server: where it is, its size and
 * modification time (a changed file is a new upload), and whether it is kept on this device (an
 * upload begun without `keep_local` is never continued for a file that now asks for it).
 */
export function fileFingerprint(server: string, file: { path: string; size: number; mtimeMs: number }, keepLocal: boolean): string {
  return ['trove-cli', server, file.path, file.size, Math.floor(file.mtimeMs), keepLocal ? 'keep-local' : ''].join('|');
}

export class ResumeStore implements UrlStorage {
  private entries: Record<string, Entry> | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file = defaultResumeFile()) {}

  async findAllUploads(): Promise<PreviousUpload[]> {
    return Object.entries(await this.load()).map(([key, e]) => ({ ...e.upload, urlStorageKey: key }));
  }

  async findUploadsByFingerprint(fingerprint: string): Promise<PreviousUpload[]> {
    return (await this.findAllUploads()).filter((u) => (this.entries?.[u.urlStorageKey]?.fingerprint) === fingerprint);
  }

  async removeUpload(urlStorageKey: string): Promise<void> {
    const entries = await this.load();
    delete entries[urlStorageKey];
    await this.save();
  }

  async addUpload(fingerprint: string, upload: PreviousUpload): Promise<string> {
    const entries = await this.load();
    // One entry per content: a newer upload of the same file replaces an older one.
    for (const [key, e] of Object.entries(entries)) if (e.fingerprint === fingerprint) delete entries[key];
    const key = `tus::${randomBytes(6).toString('hex')}`;
    const { urlStorageKey: _ignored, ...rest } = upload;
    entries[key] = { fingerprint, upload: rest, savedAt: Date.now() };
    await this.save();
    return key;
  }

  private async load(): Promise<Record<string, Entry>> {
    if (this.entries) return this.entries;
    let saved: Record<string, Entry> = {};
    try {
      const parsed = JSON.parse(await fs.readFile(this.file, 'utf8')) as unknown;
      if (parsed && typeof parsed === 'object') saved = parsed as Record<string, Entry>;
    } catch {
      // No file yet, or an unreadable one: nothing to continue.
    }
    const now = Date.now();
    this.entries = Object.fromEntries(Object.entries(saved).filter(([, e]) => typeof e?.fingerprint === 'string' && now - (e.savedAt ?? 0) < KEEP_MS));
    return this.entries;
  }

  /** Written whole, through a temporary file, one write at a time. */
  private save(): Promise<void> {
    const next = this.writing.then(async () => {
      await fs.mkdir(path.dirname(this.file), { recursive: true, mode: 0o700 });
      const tmp = `${this.file}.${process.pid}.tmp`;
      await fs.writeFile(tmp, JSON.stringify(this.entries ?? {}), { mode: 0o600 });
      await fs.rename(tmp, this.file);
    });
    // A cache that cannot be written costs only the resuming; the upload goes on.
    this.writing = next.catch(() => undefined);
    return this.writing;
  }
}
