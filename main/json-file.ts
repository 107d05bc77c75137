import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Reads a JSON file written by `writeJsonAtomic`. A missing file gives `undefined`; an unreadable one
 * (cut off by a disk-full, edited by hand) is moved aside as `<name>.corrupt-<time>` and also gives
 * `undefined`, so the app starts with defaults instead of refusing to start.
 */
export async function readJsonFile<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    await fs.rename(file, `${file}.corrupt-${Date.now()}`).catch(() => undefined);
    return undefined;
  }
}

/**
 * Writes JSON so that a crash at any moment leaves either the old or the new content, never half:
 * a unique temp file beside the target, flushed to disk, then renamed over it.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await fs.open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(JSON.stringify(value));
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Coalesces frequent saves of one file: `schedule()` marks the state dirty and writes it at most
 * every `delayMs`; `flush()` writes now (state changes that must survive a crash call it directly).
 * Writes never overlap, and the latest state always wins.
 */
export class JsonFileWriter {
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();
  private dirty = false;

  constructor(
    private readonly file: string,
    private readonly snapshot: () => unknown,
    private readonly delayMs = 500,
    private readonly onError: (err: unknown) => void = () => undefined,
  ) {}

  schedule(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, this.delayMs);
    this.timer.unref?.();
  }

  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    this.dirty = true;
    this.writing = this.writing.then(async () => {
      if (!this.dirty) return;
      this.dirty = false;
      await writeJsonAtomic(this.file, this.snapshot()).catch(this.onError);
    });
    return this.writing;
  }

  /** Stops the timer without writing (a simulated crash in tests, or after a final flush). */
  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}
