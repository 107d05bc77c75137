import { TroveError } from '../../shared/api/errors.ts';

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
  return parsed as Record<string, unknown>;
}
