/**
 * Which local paths the page may hand to the upload queue. The page comes from the connected server,
 * so a compromised server could otherwise make the app upload any readable file (`queue:add
 * ["/home/me/.ssh/id_ed25519"]`). Main therefore remembers what the user chose — the native
 * dialog's results, files and folders dropped on the window (recorded by the preload, which the page
 * cannot reach), files handed to the app by the OS — and accepts those, anything inside a chosen or
 * synced folder, and nothing else.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { TroveError } from '../../shared/api/errors.ts';
import { isInside, isUploadableName } from '../files.ts';
import { assertExisting } from './paths.ts';

export class PathGrants {
  private readonly granted = new Set<string>();

  /** Paths the user chose (files or folders); already clean absolute paths. */
  grant(paths: readonly string[]): void {
    for (const p of paths) this.granted.add(p);
  }

  has(p: string): boolean {
    return this.granted.has(p);
  }

  /**
   * Throws unless `p` may be uploaded: chosen itself, or inside a chosen or synced folder — also
   * after resolving symlinks, so a link inside a folder cannot lead out of it. A file must be of a
   * type Trove reads (a folder's walk skips other files on its own).
   */
  async assertUploadable(p: string, syncedRoots: readonly string[]): Promise<void> {
    const kind = await assertExisting(p);
    if (kind === 'file' && !isUploadableName(p)) {
      throw new TroveError('UNSUPPORTED_FILE_TYPE', `${path.basename(p)} is not an image, video, audio file, document or ZIP archive Trove reads, so it was not added.`);
    }
    if (this.granted.has(p)) return;
    const roots = [...syncedRoots, ...this.granted];
    const real = await fs.realpath(p).catch(() => null);
    for (const root of roots) {
      if (root === p || !isInside(p, root)) continue;
      const realRoot = await fs.realpath(root).catch(() => null);
      if (real !== null && realRoot !== null && isInside(real, realRoot)) return;
    }
    throw new TroveError('PATH_NOT_GRANTED', `Trove adds only files you chose: ${p} was not picked, dropped on the window or found in a synced folder. Add it with "Add files" or by dropping it on the window.`);
  }

  /** Throws unless `dir` is a folder the user chose (dialog or drop), or one already synced. */
  async assertFolderChosen(dir: string, syncedRoots: readonly string[]): Promise<void> {
    await assertExisting(dir, 'directory');
    if (this.granted.has(dir) || syncedRoots.includes(dir)) return;
    throw new TroveError('PATH_NOT_GRANTED', `Trove syncs only folders you chose: pick ${dir} with "Add folder…".`);
  }
}
