import { sql, type Kysely } from 'kysely';
import type { FileType } from '../../shared/file-types.ts';
import type { DB } from './schema.ts';

export interface ShareRow {
  id: string;
  user_id: string;
  upload_id: string | null;
  collection_id: string | null;
  created_at: Date;
  expires_at: Date;
  revoked_at: Date | null;
}

/** A share with the name of what it points at, for its owner's list. */
export interface ListedShareRow extends ShareRow {
  target_name: string;
}

/** What a share's page shows of a file, and the keys its links are signed for. */
export interface SharedFileRow {
  id: string;
  original_filename: string;
  file_type: FileType;
  mime_type: string;
  file_size: number;
  content_date: Date;
  storage_uri: string;
  thumbnail_uri: string | null;
  preview_uri: string | null;
}

const SHARE_COLUMNS = ['id', 'user_id', 'upload_id', 'collection_id', 'created_at', 'expires_at', 'revoked_at'] as const;

export async function insertShare(db: Kysely<DB>, s: { id: string; userId: string; tokenHash: string; uploadId: string | null; collectionId: string | null; expiresAt: Date; now: Date }): Promise<ShareRow> {
  return db.insertInto('shares').values({
    id: s.id, user_id: s.userId, token_hash: s.tokenHash, upload_id: s.uploadId, collection_id: s.collectionId, expires_at: s.expiresAt, created_at: s.now,
  }).returning(SHARE_COLUMNS).executeTakeFirstOrThrow();
}

/** The user's links, newest first, without those that ended (expired or revoked) before `endedSince`. */
export async function listShares(db: Kysely<DB>, userId: string, endedSince: Date, onlyId?: string): Promise<ListedShareRow[]> {
  const { rows } = await sql<ListedShareRow>`
    SELECT s.id, s.user_id, s.upload_id, s.collection_id, s.created_at, s.expires_at, s.revoked_at,
      COALESCE(u.original_filename, CASE WHEN p.name IS NULL THEN c.name ELSE p.name || '/' || c.name END, '') AS target_name
    FROM shares s
      LEFT JOIN uploads u ON u.id = s.upload_id
      LEFT JOIN collections c ON c.id = s.collection_id
      LEFT JOIN collections p ON p.id = c.parent_id
    WHERE s.user_id = ${userId} AND LEAST(COALESCE(s.revoked_at, s.expires_at), s.expires_at) > ${endedSince}
      ${onlyId === undefined ? sql`` : sql`AND s.id = ${onlyId}`}
    ORDER BY s.created_at DESC, s.id`.execute(db);
  return rows;
}

/** The share a token's hash names, and whether its owner's account is suspended (then it opens nothing). */
export function shareByTokenHash(db: Kysely<DB>, tokenHash: string): Promise<(ShareRow & { owner_suspended: boolean }) | undefined> {
  return db.selectFrom('shares').innerJoin('users', 'users.id', 'shares.user_id')
    .select(SHARE_COLUMNS.map((c) => `shares.${c}` as const)).select('users.suspended as owner_suspended')
    .where('shares.token_hash', '=', tokenHash).executeTakeFirst();
}

/** Ended links stay in the owner's list this long, so "revoked" and "expired" can be seen there; then the purge sweep removes them. */
export const ENDED_LISTED_MS = 30 * 86_400_000;

/** Links that ended (expired or revoked) before `before` go: they have left their owner's list by then. */
export async function pruneEndedShares(db: Kysely<DB>, before: Date): Promise<number> {
  const r = await db.deleteFrom('shares')
    .where(sql<boolean>`LEAST(COALESCE(revoked_at, expires_at), expires_at) < ${before}`).executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Revokes the link unless it already was; the row stays so its visitors hear "revoked". */
export async function revokeShare(db: Kysely<DB>, userId: string, id: string, now: Date): Promise<void> {
  await db.updateTable('shares').set({ revoked_at: now })
    .where('id', '=', id).where('user_id', '=', userId).where('revoked_at', 'is', null).execute();
}

/**
 * The owner's live files a share covers now: its one upload, or what its collection and that
 * collection's sub-collections hold (each once, latest additions first). A deleted file, or one
 * taken out of the collection, is not among them. `onlyId` narrows to one file (serving it).
 */
export async function sharedFiles(db: Kysely<DB>, share: ShareRow, limit: number, onlyId?: string): Promise<SharedFileRow[]> {
  const only = onlyId === undefined ? sql`` : sql`AND u.id = ${onlyId}`;
  const columns = sql`u.id, u.original_filename, u.file_type, u.mime_type, u.file_size::float8 AS file_size, u.content_date, u.storage_uri, u.thumbnail_uri, u.preview_uri`;
  if (share.upload_id !== null) {
    const { rows } = await sql<SharedFileRow>`
      SELECT ${columns} FROM uploads u
      WHERE u.id = ${share.upload_id} AND u.user_id = ${share.user_id} AND u.deleted_at IS NULL ${only}`.execute(db);
    return rows;
  }
  const { rows } = await sql<SharedFileRow>`
    SELECT ${columns} FROM uploads u
      JOIN (SELECT ci.upload_id, max(ci.added_at) AS added_at FROM collection_items ci
            JOIN collections c ON c.id = ci.collection_id
            WHERE (c.id = ${share.collection_id} OR c.parent_id = ${share.collection_id}) AND c.user_id = ${share.user_id}
            GROUP BY ci.upload_id) items ON items.upload_id = u.id
    WHERE u.user_id = ${share.user_id} AND u.deleted_at IS NULL ${only}
    ORDER BY items.added_at DESC, u.id
    LIMIT ${limit}`.execute(db);
  return rows;
}
