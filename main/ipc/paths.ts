/** Checks on file system paths that arrive from the renderer. */
import fs from 'node:fs/promises';
import path from 'node:path';

export class PathError extends Error {
  readonly code = 'INVALID_PATH';
  constructor(message: string) {
    super(message);
    this.name = 'PathError';
  }
}

/** Absolute, already normalised (no `..`, `.`, doubled or trailing separators), no NUL. */
export function assertCleanAbsolute(p: string): void {
  if (p.includes('\0')) throw new PathError('A path may not contain NUL characters.');
  if (!path.isAbsolute(p)) throw new PathError(`Not an absolute path: ${p}`);
  const normal = path.normalize(p);
  const root = path.parse(normal).root;
  if (normal !== p || (p.length > root.length && p.endsWith(path.sep))) throw new PathError(`Not a normalised path: ${p}`);
}

/** A clean absolute path that exists; returns what it is. */
export async function assertExisting(p: string, kind?: 'file' | 'directory'): Promise<'file' | 'directory'> {
  assertCleanAbsolute(p);
  const stat = await fs.stat(p).catch(() => null);
  if (!stat) throw new PathError(`No such file or folder: ${p}`);
  const what = stat.isDirectory() ? 'directory' : stat.isFile() ? 'file' : null;
  if (!what) throw new PathError(`Not a regular file or folder: ${p}`);
  if (kind && what !== kind) throw new PathError(kind === 'file' ? `Not a file: ${p}` : `Not a folder: ${p}`);
  return what;
}
