/** Small helpers for the main-process tests: temp folders, test files, waiting on conditions. */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export async function tempDir(prefix = 'trove-main-'): Promise<string> {
  return fs.realpath(await fs.mkdtemp(path.join(os.tmpdir(), prefix)));
}

/** A plain-text file of `bytes` bytes whose content is unique to `seed` (so each is a distinct upload). */
export async function textFile(dir: string, name: string, bytes: number, seed = randomBytes(8).toString('hex')): Promise<{ path: string; sha256: string }> {
  const file = path.join(dir, name);
  const line = `Trove test document ${seed}: the quick brown fox jumps over the lazy dog.\n`;
  const block = Buffer.from(line.repeat(Math.ceil(Math.min(bytes, 1 << 20) / line.length))).subarray(0, Math.min(bytes, 1 << 20));
  const handle = await fs.open(file, 'w');
  const hash = createHash('sha256');
  try {
    let written = 0;
    while (written < bytes) {
      const chunk = block.subarray(0, Math.min(block.length, bytes - written));
      await handle.write(chunk);
      hash.update(chunk);
      written += chunk.length;
    }
  } finally {
    await handle.close();
  }
  return { path: file, sha256: hash.digest('hex') };
}

export async function waitFor<T>(what: string, check: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 30_000, everyMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
