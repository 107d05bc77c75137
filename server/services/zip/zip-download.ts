/**
 * `GET /download?ids=…`: the named files as one ZIP, streamed as it is written (yazl; one stored
 * file open at a time, never the whole ZIP in memory). Entries keep the original names and the
 * folders files came in, made unique the way a file manager would (`a.jpg`, `a (2).jpg`). Every id is
 * checked against the user: an unknown id, another user's or a deleted file is left out — listed by
 * id only in `_errors.txt` and the response header, so nothing about it leaks.
 */
import type { Readable } from 'node:stream';
import type { Kysely } from 'kysely';
import yazl from 'yazl';
import { DOWNLOAD_ERRORS_ENTRY } from '../../../shared/api/archives.ts';
import { TroveError } from '../../../shared/api/errors.ts';
import { cleanFileName, cleanFolder, portablePath, UniqueNames } from '../../../shared/file-names.ts';
import type { DB } from '../../db/schema.ts';
import { getOwnUploads } from '../../db/uploads-repo.ts';
import type { Logger } from '../../logger.ts';
import type { BlobStore } from '../../storage/blob-store.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Formats that are compressed already: stored as they are, deflating them only costs time. */
const STORE_AS_IS = /^(image\/(jpeg|png|webp|gif|avif)|video\/|audio\/(mpeg|mp4|aac|ogg|opus|flac)|application\/(pdf|vnd\.openxmlformats))/;

export interface ZipDownload {
  /** Ids left out (unknown, not yours, deleted), in the order asked. */
  missing: string[];
  files: number;
  stream: Readable;
}

export class ZipDownloads {
  constructor(private readonly deps: { db: Kysely<DB>; store: BlobStore; log: Logger; maxIds: number }) {}

  async build(userId: string, idList: string): Promise<ZipDownload> {
    const ids = [...new Set(idList.split(',').map((s) => s.trim()).filter(Boolean))];
    if (ids.length === 0) throw new TroveError('VALIDATION_ERROR', 'Name at least one file: ids=<upload id>,<upload id>…');
    if (ids.length > this.deps.maxIds) {
      throw new TroveError('DOWNLOAD_TOO_MANY_IDS', `One ZIP can hold at most ${this.deps.maxIds} files; you asked for ${ids.length}. Download them in smaller groups.`);
    }
    const valid = ids.filter((id) => UUID.test(id)).map((id) => id.toLowerCase());
    const found = new Map((await getOwnUploads(this.deps.db, userId, valid)).map((u) => [u.id, u]));
    const missing = ids.filter((id) => !found.has(id.toLowerCase()));
    if (found.size === 0) throw new TroveError('NOT_FOUND', 'None of these files exist (or they belong to someone else).');

    const zip = new yazl.ZipFile();
    const names = new UniqueNames();
    for (const id of ids) {
      const u = found.get(id.toLowerCase());
      if (!u) continue;
      const folder = cleanFolder(u.folder);
      const name = names.take(portablePath(folder ? `${folder}/${cleanFileName(u.original_filename)}` : cleanFileName(u.original_filename)));
      zip.addReadStreamLazy(name, { mtime: u.created_at, compress: !STORE_AS_IS.test(u.mime_type), size: Number(u.file_size) }, (cb) => {
        this.deps.store.read(u.storage_uri).then((s) => cb(null, s), (err: unknown) => {
          this.deps.log.error({ err, uploadId: u.id }, 'a file could not be read into a ZIP');
          cb(err, undefined as unknown as Readable);
        });
      });
    }
    if (missing.length > 0) {
      const text = `These ${missing.length} of the ${ids.length} files asked for are not in this ZIP: they do not exist, were deleted, or are not yours.\n\n${missing.join('\n')}\n`;
      zip.addBuffer(Buffer.from(text), names.take(DOWNLOAD_ERRORS_ENTRY), { mtime: new Date() });
    }
    zip.end();
    return { missing, files: found.size, stream: zip.outputStream as Readable };
  }
}
