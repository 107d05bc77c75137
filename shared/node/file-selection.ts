/**
 * Walking what the user named for the files to upload (CLI `trove add`, the desktop queue): named
 * files as they are, folders for the files the shared rule takes (../file-selection.ts). Inside a
 * folder, links are followed only while they stay inside it — a link cannot lead an upload out of
 * the folder the user chose, nor round in a loop — and each file is taken once however often it is
 * reached. 0-byte files are taken: the upload says EMPTY_FILE.
 */
import type { Dirent, Stats } from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { ApiError } from '../api/client/api-error.ts';
import { isChosenInFolder, isIgnoredName } from '../file-selection.ts';

export interface ChosenFile {
  /** Absolute path. */
  path: string;
  size: number;
}

/** Something named or found that could not be read: said, not silently dropped. */
export interface Unreadable {
  path: string;
  error: ApiError;
}

export interface Selection {
  files: ChosenFile[];
  problems: Unreadable[];
}

/** The files to upload for these paths (relative ones from `cwd`), in the order named, folders in name order. */
export async function selectFiles(paths: readonly string[], cwd = process.cwd()): Promise<Selection> {
  const walk = new Walk();
  for (const arg of paths) await walk.named(path.resolve(cwd, arg), arg);
  return { files: walk.files, problems: walk.problems };
}

/** Whether a path below a watched root is left alone: any ignored segment below the root counts. */
export function isIgnoredPath(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  if (rel === '') return false;
  return rel.split(path.sep).some((seg) => seg !== '..' && isIgnoredName(seg));
}

/** A local file that cannot be read, as the clients report it. */
export function localFileError(file: string, err: unknown): ApiError {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new ApiError('FILE_MISSING', `${file} no longer exists.`, 0, undefined, { cause: err });
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EISDIR' ? 'it is a folder'
      : (err as Error | null)?.message ?? String(err);
  return new ApiError('LOCAL_FILE', `Cannot read ${file}: ${why}.`, 0, undefined, { cause: err });
}

class Walk {
  readonly files: ChosenFile[] = [];
  readonly problems: Unreadable[] = [];
  private readonly seenFiles = new Set<string>();
  private readonly seenDirs = new Set<string>();

  async named(p: string, asGiven: string): Promise<void> {
    let st: Stats;
    try {
      st = await fs.stat(p);
    } catch (err) {
      const missing = (err as NodeJS.ErrnoException).code === 'ENOENT';
      this.problem(p, missing ? new ApiError('FILE_MISSING', `No such file or folder: ${asGiven}`) : localFileError(p, err));
      return;
    }
    if (st.isDirectory()) await this.folder(p, st, await fs.realpath(p));
    else if (st.isFile()) this.file(p, st);
    else this.problem(p, new ApiError('LOCAL_FILE', `${asGiven} is not a regular file or folder.`));
  }

  private async folder(dir: string, st: Stats, root: string): Promise<void> {
    if (!this.firstTime(this.seenDirs, st)) return;
    let entries: Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      this.problem(dir, localFileError(dir, err));
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (isIgnoredName(entry.name)) continue;
      const p = path.join(dir, entry.name);
      const child = await this.follow(p, entry, root);
      if (!child) continue;
      if (child.isDirectory()) await this.folder(p, child, root);
      else if (child.isFile() && isChosenInFolder(entry.name)) this.file(p, child);
      // sockets, FIFOs and devices are not documents; skipped
    }
  }

  /** The entry's stats, following a link only when it stays inside `root`; undefined to skip it. */
  private async follow(p: string, entry: Dirent, root: string): Promise<Stats | undefined> {
    try {
      if (entry.isSymbolicLink()) {
        const target = await fs.realpath(p);
        const rel = path.relative(root, target);
        if (rel.startsWith('..') || path.isAbsolute(rel)) return undefined;
      }
      return await fs.stat(p);
    } catch (err) {
      // A dangling link is not a file the user has; anything else unreadable is worth saying.
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.problem(p, localFileError(p, err));
      return undefined;
    }
  }

  private file(p: string, st: Stats): void {
    if (this.firstTime(this.seenFiles, st)) this.files.push({ path: p, size: st.size });
  }

  private problem(p: string, error: ApiError): void {
    this.problems.push({ path: p, error });
  }

  private firstTime(seen: Set<string>, st: Stats): boolean {
    const id = `${st.dev}:${st.ino}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  }
}
