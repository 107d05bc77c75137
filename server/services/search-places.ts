import type { Kysely } from 'kysely';
import type { QueryNote } from '../../shared/api/schemas.ts';
import type { PlaceNames } from '../../shared/search/query-parser.ts';
import { collectionNames } from '../db/collections-repo.ts';
import { folderCounts } from '../db/folders-repo.ts';
import type { DB } from '../db/schema.ts';
import { collectionPath } from './collection-service.ts';

/**
 * A user's folders and collections, for reading "in Holidays 2023" in a search. The shared parser
 * stays pure: it is handed the names (with the spellings people type) and says which one the words
 * named; this module maps that back to a folder path or to the collections it stands for.
 */
export interface UserPlaces {
  /** Every folder path, ancestors included (`Holidays`, `Holidays/2023`). */
  folders: string[];
  collections: { id: string; path: string; parentId: string | null }[];
}

export type ResolvedPlace = { kind: 'folder'; path: string } | { kind: 'collection'; path: string; ids: string[] };

const key = (s: string): string => s.toLowerCase().replace(/\s+/g, ' ').trim();

export async function loadPlaces(db: Kysely<DB>, userId: string): Promise<UserPlaces> {
  const [counts, collections] = await Promise.all([folderCounts(db, userId), collectionNames(db, userId)]);
  const folders = new Set<string>();
  for (const { folder } of counts) {
    if (!folder) continue;
    const parts = folder.split('/');
    parts.forEach((_, i) => folders.add(parts.slice(0, i + 1).join('/')));
  }
  const names = new Map(collections.map((c) => [c.id, c.name]));
  return {
    folders: [...folders],
    collections: collections.map((c) => ({ id: c.id, path: collectionPath(c.name, c.parent_id ? names.get(c.parent_id) : undefined), parentId: c.parent_id })),
  };
}

/**
 * The ways a person says a place: its path (`Holidays/2023`), the path as words (`Holidays 2023`),
 * and its own name when that is unique among places of its kind and not only digits ("in 2023"
 * stays a year).
 */
function spellings(paths: readonly string[]): Map<string, string> {
  const byLeaf = new Map<string, string[]>();
  for (const p of paths) {
    const leaf = key(p.slice(p.lastIndexOf('/') + 1));
    byLeaf.set(leaf, [...(byLeaf.get(leaf) ?? []), p]);
  }
  const out = new Map<string, string>();
  for (const p of paths) {
    out.set(key(p), p);
    out.set(key(p.replace(/\//g, ' ')), p);
  }
  for (const [leaf, owners] of byLeaf) {
    if (owners.length === 1 && /\p{L}/u.test(leaf) && !out.has(leaf)) out.set(leaf, owners[0]!);
  }
  return out;
}

/** What the parser is given: every spelling of every folder and collection. */
export function parserPlaces(p: UserPlaces): PlaceNames {
  return { folders: [...spellings(p.folders).keys()], collections: [...spellings(p.collections.map((c) => c.path)).keys()] };
}

/**
 * The place the words named. `preferred` is the kind the query asked for (`folder:` / `in:`, or
 * `collection:`); a name only the other kind has is taken as that kind.
 */
export function resolvePlace(p: UserPlaces, preferred: 'folder' | 'collection', said: string): ResolvedPlace | undefined {
  const folder = spellings(p.folders).get(key(said));
  const collection = spellings(p.collections.map((c) => c.path)).get(key(said));
  const asFolder = folder === undefined ? undefined : { kind: 'folder' as const, path: folder };
  const asCollection = collection === undefined ? undefined : {
    kind: 'collection' as const, path: collection,
    ids: (() => {
      const own = p.collections.filter((c) => c.path === collection).map((c) => c.id);
      // A collection holds its sub-collections' files too.
      return [...own, ...p.collections.filter((c) => c.parentId !== null && own.includes(c.parentId)).map((c) => c.id)];
    })(),
  };
  return preferred === 'folder' ? asFolder ?? asCollection : asCollection ?? asFolder;
}

export const placeNotFound = (said: string): QueryNote => ({
  code: 'FILTER_NOT_AVAILABLE',
  message: `You have no folder or collection named "${said}", so its words were matched as text.`,
});
