import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import {
  MAX_TAG_LENGTH, MAX_TAGS_PER_FILE, normaliseTag, type AnnotateUploadBody, type BulkTagsBody, type BulkTagsResult, type Preferences, type TagList,
} from '../../shared/api/schemas.ts';
import * as repo from '../db/annotations-repo.ts';
import { ownedLive } from '../db/collections-repo.ts';
import type { DB } from '../db/schema.ts';
import type { SearchCache } from './search-cache.ts';

/** Tags as stored, each once, in the order given; a tag that cannot be one is refused with its place in the body. */
function cleanTags(raw: readonly string[], where: string): string[] {
  const out: string[] = [];
  raw.forEach((t, i) => {
    const tag = normaliseTag(t);
    if (tag === undefined) {
      throw new TroveError('VALIDATION_ERROR', `A tag must have 1 to ${MAX_TAG_LENGTH} characters (after trimming): "${t.slice(0, 60)}".`, [{ path: `${where}/${i}`, message: 'not a usable tag' }]);
    }
    if (!out.includes(tag)) out.push(tag);
  });
  return out;
}

/**
 * A person's own tags and notes on their files, and their preferences. Tags and notes are searchable
 * by their words at once (the repository rebuilds the full-text document in the same request) and
 * tags as filters (`tag:beach`); neither changes the file's embedding, so a note adds words to find a
 * file by, not meaning. Only the caller's own live files are touched: other ids come back as not found.
 */
export class AnnotationService {
  constructor(private readonly deps: { db: Kysely<DB>; cache?: SearchCache | undefined }) {}

  /** PATCH /upload/{id}: replaces the tags and/or the note of one file. */
  async annotate(userId: string, uploadId: string, body: AnnotateUploadBody): Promise<void> {
    const note = body.note === undefined ? undefined : body.note === null || body.note.trim() === '' ? null : body.note.normalize('NFC').trim();
    const set = body.user_tags === undefined ? undefined : cleanTags(body.user_tags, 'body/user_tags');
    const changed = await repo.annotate(this.deps.db, userId, [uploadId], { ...(set ? { set } : {}), note });
    if (changed.length === 0) throw new TroveError('NOT_FOUND', 'No upload with that id exists (or it belongs to someone else).');
    await this.invalidate(userId);
  }

  /** Adds and removes tags on many files at once (the library's selection). */
  async bulkTags(userId: string, body: BulkTagsBody): Promise<BulkTagsResult> {
    const add = cleanTags(body.add ?? [], 'body/add');
    const remove = cleanTags(body.remove ?? [], 'body/remove');
    if (add.length === 0 && remove.length === 0) {
      throw new TroveError('VALIDATION_ERROR', 'Name at least one tag to add or remove.', [{ path: 'body/add', message: 'add or remove must name a tag' }]);
    }
    const ids = [...new Set(body.upload_ids)];
    const owned = await ownedLive(this.deps.db, userId, ids);
    if (add.length > 0 && (await repo.tagsAfterAdding(this.deps.db, owned, add)) > MAX_TAGS_PER_FILE) {
      throw new TroveError('VALIDATION_ERROR', `A file can carry at most ${MAX_TAGS_PER_FILE} tags of yours; some of these files would have more. Remove some tags first.`, [{ path: 'body/add', message: 'too many tags' }]);
    }
    const changed = await repo.annotate(this.deps.db, userId, owned, { add, remove });
    await this.invalidate(userId);
    return { changed, not_found: ids.filter((id) => !owned.includes(id)) };
  }

  async tags(userId: string): Promise<TagList> {
    return { tags: await repo.tagCounts(this.deps.db, userId) };
  }

  preferences(userId: string): Promise<Preferences> {
    return repo.getPreferences(this.deps.db, userId);
  }

  async setPreferences(userId: string, p: Preferences): Promise<Preferences> {
    await repo.setPreferences(this.deps.db, userId, p);
    return this.preferences(userId);
  }

  private async invalidate(userId: string): Promise<void> {
    await this.deps.cache?.invalidate(userId).catch(() => undefined);
  }
}
