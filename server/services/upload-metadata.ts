import { TroveError } from '../../shared/api/errors.ts';
import { cleanFolder } from '../../shared/file-names.ts';

/**
 * An upload's own metadata (multipart field `metadata`, or tus `Upload-Metadata: metadata`): a JSON
 * object, whose `keep_local`, when present, is a boolean. `where` names the place in the request for
 * the error's details.
 */
export function parseUserMetadata(value: unknown, where: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(String(value));
  } catch {
    throw new TroveError('VALIDATION_ERROR', 'The "metadata" field must be a JSON object.', [{ path: where, message: 'is not valid JSON' }]);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new TroveError('VALIDATION_ERROR', 'The "metadata" field must be a JSON object.', [{ path: where, message: 'must be an object' }]);
  }
  const keepLocal = (parsed as Record<string, unknown>).keep_local;
  if (keepLocal !== undefined && typeof keepLocal !== 'boolean') {
    throw new TroveError('VALIDATION_ERROR', '"keep_local" in the metadata must be true or false.', [{ path: `${where}/keep_local`, message: 'must be boolean' }]);
  }
  const folder = (parsed as Record<string, unknown>).folder;
  if (folder !== undefined && folder !== null && (typeof folder !== 'string' || folder.length > 1024)) {
    throw new TroveError('VALIDATION_ERROR', '"folder" in the metadata must be a relative folder path such as "Holidays/2023" (at most 1024 characters).', [{ path: `${where}/folder`, message: 'must be a string' }]);
  }
  return parsed as Record<string, unknown>;
}

/**
 * The folder a client says a file came from (`metadata.folder`: a synced desktop folder's
 * sub-folder, a folder dropped in the browser), cleaned like a ZIP entry's folder.
 */
export function folderFromMetadata(metadata: Record<string, unknown>): string | null {
  return typeof metadata.folder === 'string' ? cleanFolder(metadata.folder) : null;
}
