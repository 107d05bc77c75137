import type { Kysely } from 'kysely';
import type { Folder, FolderTree } from '../../shared/api/schemas.ts';
import { folderCounts } from '../db/folders-repo.ts';
import type { DB } from '../db/schema.ts';

/**
 * The folder tree of the paths files came with (`uploads.folder`: a ZIP's folders, a synced desktop
 * folder's sub-folders, a folder dropped in the browser), with counts. Folders holding only other
 * folders (`Holidays` above `Holidays/2023`) are in the tree too.
 */
export function buildFolderTree(counts: readonly { folder: string | null; count: number }[]): FolderTree {
  const nodes = new Map<string, Folder>();
  let unfiled = 0;
  for (const { folder, count } of counts) {
    if (folder === null || folder === '') {
      unfiled += count;
      continue;
    }
    const parts = folder.split('/');
    parts.forEach((name, i) => {
      const path = parts.slice(0, i + 1).join('/');
      const node = nodes.get(path) ?? {
        name, path, parent: i === 0 ? null : parts.slice(0, i).join('/'), depth: i, file_count: 0, total_count: 0,
      };
      node.total_count += count;
      if (i === parts.length - 1) node.file_count += count;
      nodes.set(path, node);
    });
  }
  // Depth-first: each folder right before its children, siblings by name (case-insensitive).
  const children = new Map<string | null, Folder[]>();
  for (const n of nodes.values()) children.set(n.parent, [...(children.get(n.parent) ?? []), n]);
  const folders: Folder[] = [];
  const visit = (parent: string | null) => {
    const kids = (children.get(parent) ?? []).sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base', numeric: true }) || a.name.localeCompare(b.name));
    for (const k of kids) {
      folders.push(k);
      visit(k.path);
    }
  };
  visit(null);
  return { folders, unfiled };
}

export class FolderService {
  constructor(private readonly deps: { db: Kysely<DB> }) {}

  async tree(userId: string): Promise<FolderTree> {
    return buildFolderTree(await folderCounts(this.deps.db, userId));
  }
}
