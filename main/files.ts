/** Which files the desktop app picks up from folders, and walking a folder for them. */
import fs from 'node:fs/promises';
import path from 'node:path';
import { SUPPORTED_EXTENSIONS } from '../shared/file-types.ts';

const EXTENSIONS = new Set(Object.values(SUPPORTED_EXTENSIONS).flat());

/**
 * Names never uploaded: hidden files (`.DS_Store`, `.git`…), Office lock files (`~$report.docx`),
 * and files still being written by other programs (`*.tmp`, `*.part`, `*.crdownload`, `*.download`).
 */
export function isIgnoredName(name: string): boolean {
  if (name.startsWith('.') || name.startsWith('~$')) return true;
  if (name === 'Thumbs.db' || name === 'desktop.ini') return true;
  return /\.(tmp|temp|part|partial|crdownload|download|swp)$/i.test(name) || name.endsWith('~');
}

export function hasSupportedExtension(file: string): boolean {
  const ext = path.extname(file).slice(1).toLowerCase();
  return EXTENSIONS.has(ext);
}

/** Whether a path below a watched root should be ignored: any ignored segment below the root counts. */
export function isIgnoredPath(file: string, root: string): boolean {
  const rel = path.relative(root, file);
  if (rel === '') return false;
  return rel.split(path.sep).some((seg) => seg !== '..' && isIgnoredName(seg));
}

/** Every supported, non-ignored file below `dir` (symlinks are not followed), in name order. */
export async function* walkFiles(dir: string): AsyncGenerator<string> {
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return;
  }
  entries.sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    if (isIgnoredName(e.name)) continue;
    const full = path.join(dir, e.name);
    if (e.isDirectory()) yield* walkFiles(full);
    else if (e.isFile() && hasSupportedExtension(e.name)) yield full;
  }
}

/** `a` is `b` or inside it. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
