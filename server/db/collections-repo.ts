import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

/** A collection with what the list shows: how many live files it holds and its cover picture. */
export interface CollectionRow {
  id: string;
  name: string;
  parent_id: string | null;
  created_at: Date;
  updated_at: Date;
  /** Live files in this collection itself. */
  file_count: number;
  /** Live files in it and its sub-collections, each counted once. */
  total_count: number;
  /** The thumbnail of the file added last (here or in a sub-collection) that has one. */
  cover_uri: string | null;
}

/**
 * The user's collections with their counts and covers, parents before their children, by name.
 * Each collection's scope is itself and its children (one level, so no recursion is needed).
 */
export async function listCollections(db: Kysely<DB>, userId: string, onlyId?: string): Promise<CollectionRow[]> {
  const scope = sql`ci.collection_id = c.id OR ci.collection_id IN (SELECT k.id FROM collections k WHERE k.parent_id = c.id)`;
  const { rows } = await sql<CollectionRow>`
    SELECT c.id, c.name, c.parent_id, c.created_at, c.updated_at,
      (SELECT count(*) FROM collection_items ci JOIN uploads u ON u.id = ci.upload_id
        WHERE ci.collection_id = c.id AND u.deleted_at IS NULL)::int AS file_count,
      (SELECT count(DISTINCT ci.upload_id) FROM collection_items ci JOIN uploads u ON u.id = ci.upload_id
        WHERE (${scope}) AND u.deleted_at IS NULL)::int AS total_count,
      (SELECT u.thumbnail_uri FROM collection_items ci JOIN uploads u ON u.id = ci.upload_id
        WHERE (${scope}) AND u.deleted_at IS NULL AND u.thumbnail_uri IS NOT NULL
        ORDER BY ci.added_at DESC, u.id LIMIT 1) AS cover_uri
    FROM collections c LEFT JOIN collections p ON p.id = c.parent_id
    WHERE c.user_id = ${userId} ${onlyId === undefined ? sql`` : sql`AND c.id = ${onlyId}`}
    ORDER BY lower(COALESCE(p.name, c.name)), COALESCE(p.id, c.id), c.parent_id IS NOT NULL, lower(c.name), c.id`.execute(db);
  return rows;
}

export function getCollection(db: Kysely<DB>, userId: string, id: string) {
  return db.selectFrom('collections').select(['id', 'name', 'parent_id'])
    .where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
}

export function hasChildren(db: Kysely<DB>, id: string): Promise<boolean> {
  return db.selectFrom('collections').select('id').where('parent_id', '=', id).limit(1).executeTakeFirst().then(Boolean);
}

export async function insertCollection(db: Kysely<DB>, c: { id: string; userId: string; name: string; parentId: string | null }): Promise<void> {
  await db.insertInto('collections').values({ id: c.id, user_id: c.userId, name: c.name, parent_id: c.parentId }).execute();
}

export async function updateCollection(db: Kysely<DB>, userId: string, id: string, set: { name?: string; parentId?: string | null }): Promise<void> {
  await db.updateTable('collections')
    .set({
      ...(set.name !== undefined ? { name: set.name } : {}),
      ...(set.parentId !== undefined ? { parent_id: set.parentId } : {}),
      updated_at: new Date(),
    })
    .where('id', '=', id).where('user_id', '=', userId).execute();
}

/** Deletes the collection and its sub-collections (their items go with them; the files stay). */
export async function deleteCollection(db: Kysely<DB>, userId: string, id: string): Promise<{ deleted: boolean; subCollections: number }> {
  return db.transaction().execute(async (trx) => {
    const children = await trx.deleteFrom('collections').where('parent_id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    const self = await trx.deleteFrom('collections').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return { deleted: Number(self.numDeletedRows) === 1, subCollections: Number(children.numDeletedRows) };
  });
}

/**
 * Puts the user's own live uploads among `uploadIds` into the collection; ids that are not such an
 * upload are returned as missing (never telling whether another user has them).
 */
export async function addItems(db: Kysely<DB>, userId: string, collectionId: string, uploadIds: readonly string[]) {
  const owned = await ownedLive(db, userId, uploadIds);
  const inserted = owned.length === 0 ? [] : await db.insertInto('collection_items')
    .values(owned.map((upload_id) => ({ collection_id: collectionId, upload_id })))
    .onConflict((oc) => oc.columns(['collection_id', 'upload_id']).doNothing())
    .returning('upload_id').execute();
  return { added: inserted.map((r) => r.upload_id), missing: uploadIds.filter((id) => !owned.includes(id)) };
}

/** Takes the uploads out of the collection; the uploads themselves are untouched. */
export async function removeItems(db: Kysely<DB>, collectionId: string, uploadIds: readonly string[]): Promise<string[]> {
  if (uploadIds.length === 0) return [];
  const rows = await db.deleteFrom('collection_items')
    .where('collection_id', '=', collectionId).where('upload_id', 'in', [...uploadIds])
    .returning('upload_id').execute();
  return rows.map((r) => r.upload_id);
}

/** Which of these ids are the user's live uploads. */
export async function ownedLive(db: Kysely<DB>, userId: string, uploadIds: readonly string[]): Promise<string[]> {
  if (uploadIds.length === 0) return [];
  const rows = await db.selectFrom('uploads').select('id')
    .where('user_id', '=', userId).where('deleted_at', 'is', null).where('id', 'in', [...new Set(uploadIds)]).execute();
  const found = new Set(rows.map((r) => r.id));
  return [...new Set(uploadIds)].filter((id) => found.has(id));
}

/** The collections one upload is in, for its detail view. */
export function collectionsOf(db: Kysely<DB>, userId: string, uploadId: string) {
  return db.selectFrom('collection_items').innerJoin('collections', 'collections.id', 'collection_items.collection_id')
    .select(['collections.id', 'collections.name', 'collections.parent_id'])
    .where('collection_items.upload_id', '=', uploadId).where('collections.user_id', '=', userId)
    .orderBy(sql`lower(collections.name)`).execute();
}

/** Every collection's name and parent, for reading "in Holidays" in a search. */
export function collectionNames(db: Kysely<DB>, userId: string) {
  return db.selectFrom('collections').select(['id', 'name', 'parent_id']).where('user_id', '=', userId).execute();
}
