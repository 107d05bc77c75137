import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { Collection, CollectionItemsChanged, CreateCollectionBody, UpdateCollectionBody, UploadCollections } from '../../shared/api/schemas.ts';
import * as repo from '../db/collections-repo.ts';
import type { DB } from '../db/schema.ts';
import type { FileLinks } from './file-links.ts';
import type { SearchCache } from './search-cache.ts';

/** A collection's display path: `Parent/Name` for a sub-collection. */
export const collectionPath = (name: string, parentName: string | undefined): string => (parentName === undefined ? name : `${parentName}/${name}`);

const notFound = () => new TroveError('NOT_FOUND', 'No collection with that id exists (or it belongs to someone else).');
const tooDeep = (message: string) => new TroveError('COLLECTION_TOO_DEEP', message);

/** What a collection may be called: trimmed, no control characters, no "/" (it separates a sub-collection from its parent). */
function cleanName(raw: string): string {
  // eslint-disable-next-line no-control-regex
  const name = raw.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
  if (name === '') throw new TroveError('VALIDATION_ERROR', 'Give the collection a name.', [{ path: 'body/name', message: 'must not be blank' }]);
  if (name.includes('/')) {
    throw new TroveError('VALIDATION_ERROR', 'A collection name cannot contain "/": it separates a sub-collection from its parent.', [{ path: 'body/name', message: 'must not contain /' }]);
  }
  return name;
}

const isUniqueViolation = (err: unknown): boolean => (err as { code?: unknown } | null)?.code === '23505';

/**
 * Collections: a person's own groups of files, nested one level (a collection may have a parent; a
 * sub-collection has no sub-collections). Every call is scoped to the user: another user's ids are
 * NOT_FOUND, never told apart from ids that do not exist. Deleting a collection never deletes files.
 * Changing what a collection holds changes search results ("in Holidays"), so the user's cached
 * searches are dropped.
 */
export class CollectionService {
  constructor(private readonly deps: { db: Kysely<DB>; links: FileLinks; cache?: SearchCache | undefined }) {}

  async list(userId: string): Promise<Collection[]> {
    return this.present(await repo.listCollections(this.deps.db, userId));
  }

  async get(userId: string, id: string): Promise<Collection> {
    const [row] = await this.present(await repo.listCollections(this.deps.db, userId, id), userId);
    if (!row) throw notFound();
    return row;
  }

  async create(userId: string, body: CreateCollectionBody): Promise<Collection> {
    const name = cleanName(body.name);
    const parentId = body.parent_id ?? null;
    if (parentId !== null) await this.checkParent(userId, parentId);
    const id = randomUUID();
    await this.named(name, () => repo.insertCollection(this.deps.db, { id, userId, name, parentId }));
    return this.get(userId, id);
  }

  async update(userId: string, id: string, body: UpdateCollectionBody): Promise<Collection> {
    const current = await repo.getCollection(this.deps.db, userId, id);
    if (!current) throw notFound();
    const name = body.name === undefined ? undefined : cleanName(body.name);
    if (body.parent_id !== undefined && body.parent_id !== null && body.parent_id !== current.parent_id) {
      if (body.parent_id === id) throw tooDeep('A collection cannot be inside itself.');
      await this.checkParent(userId, body.parent_id);
      if (await repo.hasChildren(this.deps.db, id)) {
        throw tooDeep('This collection has sub-collections, so it cannot become one: collections nest one level only. Move or delete its sub-collections first.');
      }
    }
    await this.named(name ?? current.name, () => repo.updateCollection(this.deps.db, userId, id, { name, parentId: body.parent_id }));
    await this.invalidate(userId);
    return this.get(userId, id);
  }

  async remove(userId: string, id: string): Promise<{ subCollections: number }> {
    const { deleted, subCollections } = await repo.deleteCollection(this.deps.db, userId, id);
    if (!deleted) throw notFound();
    await this.invalidate(userId);
    return { subCollections };
  }

  async addItems(userId: string, id: string, uploadIds: readonly string[]): Promise<CollectionItemsChanged> {
    await this.own(userId, id);
    const { added, missing } = await repo.addItems(this.deps.db, userId, id, uploadIds);
    await this.invalidate(userId);
    const unique = [...new Set(uploadIds)];
    return {
      collection: await this.get(userId, id), changed: added,
      unchanged: unique.filter((u) => !added.includes(u) && !missing.includes(u)), not_found: missing,
    };
  }

  async removeItems(userId: string, id: string, uploadIds: readonly string[]): Promise<CollectionItemsChanged> {
    await this.own(userId, id);
    const unique = [...new Set(uploadIds)];
    // Only the caller's own uploads are looked at: a foreign id is "not found", whatever collection_items holds.
    const owned = await repo.ownedLive(this.deps.db, userId, unique);
    const removed = await repo.removeItems(this.deps.db, id, owned);
    await this.invalidate(userId);
    return {
      collection: await this.get(userId, id), changed: removed,
      unchanged: owned.filter((u) => !removed.includes(u)), not_found: unique.filter((u) => !owned.includes(u)),
    };
  }

  /** The collections one of the user's files is in (NOT_FOUND for a file that is not theirs). */
  async ofUpload(userId: string, uploadId: string): Promise<UploadCollections> {
    const [owned] = await repo.ownedLive(this.deps.db, userId, [uploadId]);
    if (!owned) throw new TroveError('NOT_FOUND', 'No upload with that id exists (or it belongs to someone else).');
    const rows = await repo.collectionsOf(this.deps.db, userId, uploadId);
    const names = await this.parentNames(userId, rows.map((r) => r.parent_id));
    return { collections: rows.map((r) => ({ ...r, path: collectionPath(r.name, r.parent_id ? names.get(r.parent_id) : undefined) })) };
  }

  private async own(userId: string, id: string): Promise<void> {
    if (!(await repo.getCollection(this.deps.db, userId, id))) throw notFound();
  }

  /** A parent must be the user's and at the top: collections nest one level. */
  private async checkParent(userId: string, parentId: string): Promise<void> {
    const parent = await repo.getCollection(this.deps.db, userId, parentId);
    if (!parent) throw new TroveError('NOT_FOUND', 'The parent collection does not exist (or belongs to someone else).', [{ path: 'body/parent_id', message: 'not found' }]);
    if (parent.parent_id !== null) {
      throw tooDeep(`"${parent.name}" is itself a sub-collection, and collections nest one level only: choose a top-level collection as the parent.`);
    }
  }

  /** Runs a write that may clash with a sibling's name, turning the clash into COLLECTION_NAME_TAKEN. */
  private async named(name: string, write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw new TroveError('COLLECTION_NAME_TAKEN', `There is already a collection named "${name}" here; choose another name.`);
      throw err;
    }
  }

  private async parentNames(userId: string, ids: readonly (string | null)[]): Promise<Map<string, string>> {
    if (!ids.some((i) => i !== null)) return new Map();
    const all = await repo.collectionNames(this.deps.db, userId);
    return new Map(all.map((c) => [c.id, c.name]));
  }

  private async present(rows: repo.CollectionRow[], userId?: string): Promise<Collection[]> {
    const names = userId === undefined
      ? new Map(rows.map((r) => [r.id, r.name]))
      : await this.parentNames(userId, rows.map((r) => r.parent_id));
    return rows.map((r) => ({
      id: r.id, name: r.name, parent_id: r.parent_id, path: collectionPath(r.name, r.parent_id ? names.get(r.parent_id) : undefined),
      file_count: r.file_count, total_count: r.total_count, cover_url: r.cover_uri ? this.deps.links.thumbnail(r.cover_uri) : null,
      created_at: new Date(r.created_at).toISOString(), updated_at: new Date(r.updated_at).toISOString(),
    }));
  }

  private async invalidate(userId: string): Promise<void> {
    // A cache that cannot be reached only serves an older answer until it expires.
    await this.deps.cache?.invalidate(userId).catch(() => undefined);
  }
}
