import { SUPPORTED_EXTENSIONS } from './file-types.ts';

/**
 * Which files of a folder Trove takes — the same rule in the CLI (`trove add <folder>`), the desktop
 * app (drops, the picker, synced folders) and the page (a dropped folder): files of a type Trove
 * reads, except hidden ones, lock files and files still being written. A file named on its own is
 * taken as it is (the server decides what it can read); these rules are for what a folder holds.
 * Pure name rules, so the page can use them; shared/node/file-selection.ts walks folders with them.
 */

const EXTENSIONS: ReadonlySet<string> = new Set(Object.values(SUPPORTED_EXTENSIONS).flat());

/**
 * Names never taken from a folder: hidden files and folders (`.DS_Store`, `.git`…), Office lock
 * files (`~$report.docx`), system clutter (`Thumbs.db`, `desktop.ini`), and files still being written
 * by other programs (`*.tmp`, `*.part`, `*.crdownload`, `*.download`, editor swap and backup files).
 */
export function isIgnoredName(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('~$')) return true;
  if (name === 'Thumbs.db' || name === 'desktop.ini') return true;
  return /\.(tmp|temp|part|partial|crdownload|download|swp)$/i.test(name) || name.endsWith('~');
}

/** The name's extension is one of a supported format's (a hint only: the server sniffs the bytes). */
export function hasSupportedExtension(name: string): boolean {
  const dot = name.lastIndexOf('.');
  const slash = Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\'));
  return dot > slash && EXTENSIONS.has(name.slice(dot + 1).toLowerCase());
}

/**
 * A file named on its own (a drop, the picker, `trove add file`) that Trove takes: a supported type,
 * or a `.zip`, which the server unpacks into its files. Inside folders archives are left alone
 * (`isChosenInFolder`): a synced folder's ZIP would be unpacked again on every change.
 */
export function isUploadableName(name: string): boolean {
  return hasSupportedExtension(name) || /\.zip$/i.test(name);
}

/** A file found inside a folder at `relativePath` (`/`-separated, below the folder): taken or not. */
export function isChosenInFolder(relativePath: string): boolean {
  const parts = relativePath.split('/').filter((p) => p !== '' && p !== '.');
  const name = parts.at(-1);
  return name !== undefined && !parts.some(isIgnoredName) && hasSupportedExtension(name);
}
