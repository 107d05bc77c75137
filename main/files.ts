/**
 * Paths in the desktop app. Which files it takes is the rule shared with the CLI and the page
 * (shared/file-selection.ts; folders are walked by shared/node/file-selection.ts), re-exported here
 * for the IPC handlers, path grants and folder sync.
 */
import path from 'node:path';

export { hasSupportedExtension, isIgnoredName, isUploadableName } from '../shared/file-selection.ts';
export { isIgnoredPath } from '../shared/node/file-selection.ts';

/** `a` is `b` or inside it. */
export function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}
