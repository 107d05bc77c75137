/**
 * What Trove does with each entry of an archive before reading a byte of it: the entry's name is
 * cleaned into a folder and a file name, and entries that are unsafe, encrypted, archives
 * themselves, clutter or of a type Trove does not read are listed as skipped with a stable code.
 */
import type { ErrorCode } from '../../../shared/api/errors.ts';
import { hasSupportedExtension, isIgnoredName } from '../../../shared/file-selection.ts';
import { isUnsafeEntryPath, splitEntryPath } from '../../../shared/file-names.ts';
import type { ZipEntryInfo } from './zip-reader.ts';

/** Archives and disk images: never followed (a ZIP inside a ZIP is how a bomb nests). */
const ARCHIVE_EXTENSIONS = /\.(zip|zipx|7z|rar|tar|tgz|tbz2?|txz|gz|bz2|xz|zst|lz|lzma|z|cab|jar|war|apk|ipa|iso|dmg|img)$/i;

export interface PlannedEntry {
  path: string;
  filename: string;
  folder: string | null;
  /** null: read it; otherwise why it is skipped. */
  skip: { code: ErrorCode; message: string } | null;
}

export function planEntry(e: ZipEntryInfo, maxFileSize: number): PlannedEntry {
  const { folder, filename } = splitEntryPath(e.name);
  const path = folder ? `${folder}/${filename}` : filename;
  const skip = (code: ErrorCode, message: string) => ({ path, filename, folder, skip: { code, message } });
  if (isUnsafeEntryPath(e.name)) {
    return skip('ZIP_UNSAFE_PATH', `The entry's name (${JSON.stringify(e.name.slice(0, 200))}) points outside the archive (an absolute path or ".."); it was not unpacked.`);
  }
  if (e.encrypted) return skip('ZIP_ENTRY_ENCRYPTED', 'This entry is password-protected; Trove cannot read it. Unpack it yourself and upload the file.');
  if (e.name.split(/[/\\]/).some((part) => part === '__MACOSX' || (part !== '' && isIgnoredName(part)))) {
    return skip('ZIP_ENTRY_IGNORED', 'Hidden and system files (such as .DS_Store or __MACOSX) are not taken.');
  }
  if (ARCHIVE_EXTENSIONS.test(filename)) {
    return skip('ZIP_NESTED_ARCHIVE', 'An archive inside the archive is not unpacked. Upload it on its own to add its files.');
  }
  if (!hasSupportedExtension(filename)) {
    return skip('UNSUPPORTED_FILE_TYPE', 'Trove does not read this type of file (it takes images, videos, audio, PDF, Word, text and Markdown).');
  }
  if (e.method !== 0 && e.method !== 8) {
    return skip('ZIP_ENTRY_CORRUPT', `This entry is compressed with a method Trove cannot read (${e.method}); re-create the archive with standard ZIP compression.`);
  }
  if (e.declaredSize > maxFileSize) {
    return skip('FILE_TOO_LARGE', `This entry is larger than the ${Math.round(maxFileSize / 1024 / 1024)} MB upload limit.`);
  }
  return { path, filename, folder, skip: null };
}
