/**
 * The HTTP contract of share links (issue 14): a read-only link to one file or one collection, with
 * an expiry, revocable. Re-exported by schemas.ts, the single entry point of the contract.
 */
import { Type, type Static } from 'typebox';
import { FILE_TYPES } from '../file-types.ts';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });

export const SHARE_DEFAULT_EXPIRY_S = 7 * 86_400;
export const SHARE_MIN_EXPIRY_S = 60;
export const SHARE_MAX_EXPIRY_S = 365 * 86_400;
/** A collection's page lists at most this many files (newest additions first). */
export const SHARE_MAX_FILES = 1000;
/** Where a share's page lives: `/s/{token}`. */
export const SHARE_PAGE_PREFIX = '/s/';

export const CreateShareBody = Type.Object({
  target: Type.Union([
    Type.Object({ upload_id: Uuid }, { additionalProperties: false }),
    Type.Object({ collection_id: Uuid }, { additionalProperties: false }),
  ], { description: 'One of your files, or one of your collections (with its sub-collections; the files it holds when the link is opened).' }),
  expires_in_s: Type.Optional(Type.Integer({
    description: `Seconds from now, ${SHARE_MIN_EXPIRY_S} to ${SHARE_MAX_EXPIRY_S} (a year); default ${SHARE_DEFAULT_EXPIRY_S} (7 days). Out of range → SHARE_EXPIRY_INVALID.`,
  })),
  expires_at: Type.Optional(Type.String({ description: 'An ISO 8601 date-time instead of expires_in_s, within the same bounds.' })),
}, { additionalProperties: false });
export type CreateShareBody = Static<typeof CreateShareBody>;

export const SHARE_STATES = ['active', 'expired', 'revoked'] as const;
export type ShareState = (typeof SHARE_STATES)[number];

export const ShareSchema = Type.Object({
  id: Uuid,
  target: Type.Object({
    kind: Type.Union([Type.Literal('file'), Type.Literal('collection')]),
    id: Uuid,
    name: Type.String({ description: 'The file\'s name or the collection\'s path, as the owner sees it.' }),
  }),
  state: Type.Enum(SHARE_STATES),
  created_at: DateTime,
  expires_at: DateTime,
  revoked_at: Type.Union([DateTime, Type.Null()]),
});
export type Share = Static<typeof ShareSchema>;

export const CreatedShareSchema = Type.Intersect([ShareSchema, Type.Object({
  url: Type.String({ description: 'The link to send. Only its hash is kept: it is shown this once, and a lost link is replaced by a new one.' }),
})]);
export type CreatedShare = Static<typeof CreatedShareSchema>;

/** Whether links can be made here, and what to tell the owner before making one. */
export const SharingStatusSchema = Type.Object({
  available: Type.Boolean(),
  code: Type.Union([Type.Literal('SHARE_NEEDS_REMOTE'), Type.Null()], { description: 'Why not, when not available.' }),
  message: Type.Union([Type.String(), Type.Null()], { description: 'Why links cannot be made here, and how to change that.' }),
  warning: Type.Union([Type.String(), Type.Null()], { description: 'To show before a link is made (the embedded server reachable from the network).' }),
  base_url: Type.Union([Type.String(), Type.Null()], { description: 'Where links will point.' }),
});
export type SharingStatus = Static<typeof SharingStatusSchema>;

export const ShareListSchema = Type.Object({
  shares: Type.Array(ShareSchema, { description: 'Newest first; revoked and expired links for 30 days after they ended.' }),
  sharing: SharingStatusSchema,
});
export type ShareList = Static<typeof ShareListSchema>;

export const ShareIdParams = Type.Object({ share_id: Uuid });
export const SharedTokenParams = Type.Object({ token: Type.String({ maxLength: 200 }) });
export const SHARED_VARIANTS = ['thumbnail', 'preview', 'download'] as const;
export const SharedFileParams = Type.Object({
  token: Type.String({ maxLength: 200 }),
  upload_id: Uuid,
  variant: Type.Enum(SHARED_VARIANTS),
});

/** What a share's visitor sees of one file: nothing of its analysis, tags, notes or folders. */
export const SharedFileSchema = Type.Object({
  id: Uuid,
  filename: Type.String(),
  file_type: Type.Enum(FILE_TYPES),
  mime_type: Type.String(),
  file_size: Type.Integer(),
  date: DateTime,
  thumbnail_url: Type.Union([Type.String(), Type.Null()]),
  preview_url: Type.Union([Type.String(), Type.Null()], { description: 'Videos: a short playable preview.' }),
  download_url: Type.String(),
});
export type SharedFile = Static<typeof SharedFileSchema>;

export const SharedViewSchema = Type.Object({
  kind: Type.Union([Type.Literal('file'), Type.Literal('collection')]),
  title: Type.String(),
  expires_at: DateTime,
  files: Type.Array(SharedFileSchema, { description: 'The files shared now: a deleted file, or one taken out of the collection, is gone.' }),
  truncated: Type.Boolean({ description: `More than ${SHARE_MAX_FILES} files: the newest additions are listed.` }),
});
export type SharedView = Static<typeof SharedViewSchema>;
