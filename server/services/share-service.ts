import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import {
  API_PREFIX, SHARE_DEFAULT_EXPIRY_S, SHARE_MAX_EXPIRY_S, SHARE_MAX_FILES, SHARE_MIN_EXPIRY_S, SHARE_PAGE_PREFIX,
  type CreateShareBody, type CreatedShare, type Share, type ShareList, type SharedFile, type SharedView,
} from '../../shared/api/schemas.ts';
import { cleanFileName } from '../../shared/file-names.ts';
import { getCollection, ownedLive } from '../db/collections-repo.ts';
import type { DB } from '../db/schema.ts';
import * as repo from '../db/shares-repo.ts';
import type { FileLinks } from './file-links.ts';
import type { SharingPolicy } from './share-policy.ts';

/** 32 random bytes, base64url: 256 bits no one guesses. */
const TOKEN_RE = /^[A-Za-z0-9_-]{43}$/;

const hashOf = (token: string): string => createHash('sha256').update(token).digest('hex');
const noSuchLink = () => new TroveError('NOT_FOUND', 'This share link does not exist (or its file or collection was deleted). Ask the person who sent it for a new one.');
const invalidExpiry = (message: string) => new TroveError('SHARE_EXPIRY_INVALID', message);

export type SharedVariant = 'thumbnail' | 'preview' | 'download';

/**
 * Share links: a random token names one upload or one collection of its owner, read-only, until
 * it expires or is revoked. Only the token's hash is stored. Everything a visitor reaches goes
 * through `resolve`, checked on every request; a visitor sees names, types, sizes and dates, and
 * signed links to thumbnails, previews and originals of the files the share covers now — never
 * the analysis, tags, notes, folders or any other file.
 */
export class ShareService {
  constructor(private readonly deps: { db: Kysely<DB>; links: FileLinks; policy: SharingPolicy; now?: () => Date }) {}

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  async create(userId: string, body: CreateShareBody, requestOrigin: string): Promise<CreatedShare> {
    const status = this.deps.policy.status(requestOrigin);
    if (!status.available || status.base_url === null) throw new TroveError('SHARE_NEEDS_REMOTE', status.message ?? 'Share links cannot be made on this server.');
    const now = this.now();
    const expiresAt = expiryOf(body, now);
    const target = body.target;
    const found = 'upload_id' in target
      ? (await ownedLive(this.deps.db, userId, [target.upload_id])).length === 1
      : (await getCollection(this.deps.db, userId, target.collection_id)) !== undefined;
    if (!found) throw new TroveError('NOT_FOUND', `No ${'upload_id' in target ? 'file' : 'collection'} with that id exists (or it belongs to someone else).`);
    const token = randomBytes(32).toString('base64url');
    const id = randomUUID();
    await repo.insertShare(this.deps.db, {
      id, userId, tokenHash: hashOf(token), expiresAt, now,
      uploadId: 'upload_id' in target ? target.upload_id : null, collectionId: 'collection_id' in target ? target.collection_id : null,
    });
    const [row] = await repo.listShares(this.deps.db, userId, new Date(0), id);
    return { ...present(row!, now), url: `${status.base_url}${SHARE_PAGE_PREFIX}${token}` };
  }

  async list(userId: string, requestOrigin: string): Promise<ShareList> {
    const now = this.now();
    const rows = await repo.listShares(this.deps.db, userId, new Date(now.getTime() - repo.ENDED_LISTED_MS));
    return { shares: rows.map((r) => present(r, now)), sharing: this.deps.policy.status(requestOrigin) };
  }

  /** Idempotent: revoking a revoked link answers it as it is. Another user's link is NOT_FOUND. */
  async revoke(userId: string, id: string): Promise<Share> {
    const now = this.now();
    await repo.revokeShare(this.deps.db, userId, id, now);
    const [row] = await repo.listShares(this.deps.db, userId, new Date(0), id);
    if (!row) throw new TroveError('NOT_FOUND', 'No share link with that id exists (or it belongs to someone else).');
    return present(row, now);
  }

  /** The share a token opens, checked now: NOT_FOUND, SHARE_REVOKED or SHARE_EXPIRED otherwise. */
  async resolve(token: string): Promise<repo.ShareRow> {
    if (!TOKEN_RE.test(token)) throw noSuchLink();
    const share = await repo.shareByTokenHash(this.deps.db, hashOf(token));
    if (!share) throw noSuchLink();
    if (share.revoked_at) throw new TroveError('SHARE_REVOKED', 'This share link was revoked by the person who made it. Ask them for a new one if you still need the files.');
    // A suspended account shares nothing, as it can do nothing else (firebase-auth.ts).
    if (share.owner_suspended) throw new TroveError('SHARE_REVOKED', 'This share link no longer works: the account that made it is suspended.');
    if (share.expires_at <= this.now()) {
      throw new TroveError('SHARE_EXPIRED', `This share link expired on ${share.expires_at.toISOString()}. Ask the person who sent it for a new one.`);
    }
    return share;
  }

  async view(token: string): Promise<SharedView> {
    const share = await this.resolve(token);
    const rows = await repo.sharedFiles(this.deps.db, share, SHARE_MAX_FILES + 1);
    const title = share.upload_id !== null
      ? cleanFileName(rows[0]?.original_filename ?? 'Shared file')
      : (await getCollection(this.deps.db, share.user_id, share.collection_id!))?.name ?? 'Shared collection';
    return {
      kind: share.upload_id !== null ? 'file' : 'collection',
      title,
      expires_at: share.expires_at.toISOString(),
      files: rows.slice(0, SHARE_MAX_FILES).map((f) => presentFile(token, f)),
      truncated: rows.length > SHARE_MAX_FILES,
    };
  }

  /** A short-lived signed link to one variant of a file the share covers now; any other file is NOT_FOUND. */
  async link(token: string, uploadId: string, variant: SharedVariant): Promise<string> {
    const share = await this.resolve(token);
    const [file] = await repo.sharedFiles(this.deps.db, share, 1, uploadId);
    if (!file) throw new TroveError('NOT_FOUND', 'This file is not part of the share (it may have been removed from it).');
    switch (variant) {
      case 'thumbnail':
        if (!file.thumbnail_uri) throw new TroveError('NOT_FOUND', 'This file has no thumbnail.');
        return this.deps.links.thumbnail(file.thumbnail_uri);
      case 'preview':
        if (!file.preview_uri) throw new TroveError('NOT_FOUND', 'This file has no preview; download it instead.');
        return this.deps.links.preview(file.preview_uri);
      case 'download':
        return this.deps.links.download(file.storage_uri, file.original_filename);
    }
  }
}

function expiryOf(body: CreateShareBody, now: Date): Date {
  if (body.expires_in_s !== undefined && body.expires_at !== undefined) throw invalidExpiry('Give either expires_in_s or expires_at, not both.');
  let ms: number;
  if (body.expires_at !== undefined) {
    const at = Date.parse(body.expires_at);
    if (!/^\d{4}-\d{2}-\d{2}T/.test(body.expires_at) || Number.isNaN(at)) throw invalidExpiry(`expires_at must be an ISO 8601 date-time such as 2030-01-31T12:00:00Z, got '${body.expires_at}'.`);
    ms = at - now.getTime();
  } else {
    ms = (body.expires_in_s ?? SHARE_DEFAULT_EXPIRY_S) * 1000;
  }
  if (ms < SHARE_MIN_EXPIRY_S * 1000 || ms > SHARE_MAX_EXPIRY_S * 1000) {
    throw invalidExpiry(`A share link must last between ${SHARE_MIN_EXPIRY_S} seconds and ${SHARE_MAX_EXPIRY_S / 86_400} days from now.`);
  }
  return new Date(now.getTime() + ms);
}

function present(r: repo.ListedShareRow, now: Date): Share {
  return {
    id: r.id,
    target: r.upload_id !== null ? { kind: 'file', id: r.upload_id, name: cleanFileName(r.target_name) } : { kind: 'collection', id: r.collection_id!, name: r.target_name },
    state: r.revoked_at ? 'revoked' : r.expires_at <= now ? 'expired' : 'active',
    created_at: r.created_at.toISOString(),
    expires_at: r.expires_at.toISOString(),
    revoked_at: r.revoked_at ? r.revoked_at.toISOString() : null,
  };
}

function presentFile(token: string, f: repo.SharedFileRow): SharedFile {
  const base = `${API_PREFIX}/shared/${token}/files/${f.id}`;
  return {
    id: f.id,
    filename: cleanFileName(f.original_filename),
    file_type: f.file_type,
    mime_type: f.mime_type,
    file_size: Number(f.file_size),
    date: f.content_date.toISOString(),
    thumbnail_url: f.thumbnail_uri ? `${base}/thumbnail` : null,
    preview_url: f.preview_uri ? `${base}/preview` : null,
    download_url: `${base}/download`,
  };
}
