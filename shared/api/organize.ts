/**
 * The HTTP contract of what a person organises their files with (issue 14): collections (nested one
 * level), the folder tree their files came in, their own tags and notes, and their preferences.
 * Re-exported by schemas.ts, the single entry point of the contract.
 */
import { Type, type Static } from 'typebox';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });

export const MAX_COLLECTION_NAME = 100;
export const MAX_TAG_LENGTH = 50;
export const MAX_TAGS_PER_FILE = 50;
export const MAX_NOTE_LENGTH = 10_000;
/** Files one request may add to or remove from a collection, or tag at once. */
export const MAX_ITEMS_PER_REQUEST = 1000;

const CollectionName = Type.String({
  minLength: 1, maxLength: MAX_COLLECTION_NAME,
  description: 'Unique among its siblings (any case); no "/" (it separates a sub-collection from its parent in `Holidays/2023`).',
});

export const CollectionSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  parent_id: Type.Union([Uuid, Type.Null()], { description: 'The parent of a sub-collection; a sub-collection has no sub-collections.' }),
  path: Type.String({ description: '`Parent/Name` for a sub-collection, the name otherwise: what `collection:"…"` and "in …" in a search name.' }),
  file_count: Type.Integer({ description: 'Files in this collection itself.' }),
  total_count: Type.Integer({ description: 'Files in it and its sub-collections, each counted once.' }),
  cover_url: Type.Union([Type.String(), Type.Null()], { description: 'Thumbnail of the file added last (a 5-minute signed link).' }),
  created_at: DateTime,
  updated_at: DateTime,
});
export type Collection = Static<typeof CollectionSchema>;

export const CollectionListSchema = Type.Object({ collections: Type.Array(CollectionSchema) });
export type CollectionList = Static<typeof CollectionListSchema>;

export const CollectionIdParams = Type.Object({ collection_id: Uuid });
export const CollectionItemParams = Type.Object({ collection_id: Uuid, upload_id: Uuid });

export const CreateCollectionBody = Type.Object({
  name: CollectionName,
  parent_id: Type.Optional(Type.Union([Uuid, Type.Null()])),
}, { additionalProperties: false });
export type CreateCollectionBody = Static<typeof CreateCollectionBody>;

export const UpdateCollectionBody = Type.Object({
  name: Type.Optional(CollectionName),
  parent_id: Type.Optional(Type.Union([Uuid, Type.Null()], { description: 'Move under another top-level collection, or null to the top.' })),
}, { additionalProperties: false, minProperties: 1 });
export type UpdateCollectionBody = Static<typeof UpdateCollectionBody>;

export const CollectionDeletedSchema = Type.Object({
  collection_id: Uuid,
  deleted: Type.Literal(true),
  sub_collections_deleted: Type.Integer({ description: 'Its sub-collections go with it; no file is ever deleted.' }),
});

export const UploadIdsBody = Type.Object({
  upload_ids: Type.Array(Uuid, { minItems: 1, maxItems: MAX_ITEMS_PER_REQUEST }),
}, { additionalProperties: false });
export type UploadIdsBody = Static<typeof UploadIdsBody>;

export const CollectionItemsChangedSchema = Type.Object({
  collection: CollectionSchema,
  changed: Type.Array(Uuid, { description: 'Files added (or removed) by this request.' }),
  unchanged: Type.Array(Uuid, { description: 'Already in it (adding) or not in it (removing).' }),
  not_found: Type.Array(Uuid, { description: 'Not one of your files: nothing was done with these.' }),
});
export type CollectionItemsChanged = Static<typeof CollectionItemsChangedSchema>;

export const UploadCollectionsSchema = Type.Object({
  collections: Type.Array(Type.Object({ id: Uuid, name: Type.String(), parent_id: Type.Union([Uuid, Type.Null()]), path: Type.String() })),
});
export type UploadCollections = Static<typeof UploadCollectionsSchema>;

/**
 * One folder of the tree. The tree is sent flat, depth-first (a folder right before its children,
 * siblings by name), which every client can show as an indented list without recursion.
 */
export const FolderSchema = Type.Object({
  name: Type.String({ description: 'The last part of the path: `2023`.' }),
  path: Type.String({ description: '`Holidays/2023`: what `folder:"…"` in a search and `?folder=` of GET /uploads take.' }),
  parent: Type.Union([Type.String(), Type.Null()], { description: 'The parent folder\'s path; null at the top.' }),
  depth: Type.Integer({ minimum: 0 }),
  file_count: Type.Integer({ description: 'Files directly in this folder.' }),
  total_count: Type.Integer({ description: 'Files in it and in every folder below it.' }),
});
export type Folder = Static<typeof FolderSchema>;
export const FolderTreeSchema = Type.Object({
  folders: Type.Array(FolderSchema),
  unfiled: Type.Integer({ description: 'Files in no folder (sent on their own).' }),
});
export type FolderTree = Static<typeof FolderTreeSchema>;

export const TagListSchema = Type.Object({
  tags: Type.Array(Type.Object({ tag: Type.String(), count: Type.Integer() })),
});
export type TagList = Static<typeof TagListSchema>;

const TagArray = Type.Array(Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH * 2 }), { maxItems: MAX_TAGS_PER_FILE });

/** PATCH /upload/{id}: the owner's own words on one file. */
export const AnnotateUploadBody = Type.Object({
  user_tags: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: MAX_TAG_LENGTH * 2 }), {
    maxItems: MAX_TAGS_PER_FILE, description: 'Replaces your tags on the file (lower-cased, trimmed, a leading # dropped, duplicates merged).',
  })),
  note: Type.Optional(Type.Union([Type.String({ maxLength: MAX_NOTE_LENGTH }), Type.Null()], { description: 'Replaces the note; null or blank removes it.' })),
}, { additionalProperties: false, minProperties: 1 });
export type AnnotateUploadBody = Static<typeof AnnotateUploadBody>;

/** POST /uploads/tags: tags added to and taken from many files at once. */
export const BulkTagsBody = Type.Object({
  upload_ids: Type.Array(Uuid, { minItems: 1, maxItems: MAX_ITEMS_PER_REQUEST }),
  add: Type.Optional(TagArray),
  remove: Type.Optional(TagArray),
}, { additionalProperties: false });
export type BulkTagsBody = Static<typeof BulkTagsBody>;
export const BulkTagsResultSchema = Type.Object({
  changed: Type.Array(Uuid),
  not_found: Type.Array(Uuid, { description: 'Not one of your files: nothing was done with these.' }),
});
export type BulkTagsResult = Static<typeof BulkTagsResultSchema>;

export const PreferencesSchema = Type.Object({
  hide_analyzer_tags: Type.Boolean({ description: "The detail view shows only your own tags, not the analyzer's." }),
});
export type Preferences = Static<typeof PreferencesSchema>;
export const PreferencesBody = Type.Object({ hide_analyzer_tags: Type.Boolean() }, { additionalProperties: false });

/**
 * A tag as stored: trimmed, spaces collapsed, lower case, a leading `#` dropped. Undefined when
 * nothing is left or it is longer than MAX_TAG_LENGTH. Used by the server and the clients alike,
 * so what a person types shows the way it will be kept.
 */
export function normaliseTag(raw: string): string | undefined {
  // eslint-disable-next-line no-control-regex
  const tag = raw.normalize('NFC').replace(/[\u0000-\u001f\u007f]/g, '').trim().replace(/^#+/, '').replace(/\s+/g, ' ').trim().toLowerCase();
  return tag === '' || tag.length > MAX_TAG_LENGTH ? undefined : tag;
}
