import { TroveError } from '../../shared/api/errors.ts';
import type { BatchActionBody, BatchItemResult } from '../../shared/api/schemas.ts';
import type { AnnotationService } from './annotation-service.ts';
import type { CollectionService } from './collection-service.ts';

export interface OrganizeBatchDeps {
  collections: CollectionService;
  annotations: AnnotationService;
}

type Of<K extends BatchActionBody['action']> = Extract<BatchActionBody, { action: K }>;
type OrganizeActions = 'add_tags' | 'remove_tags' | 'add_to_collection' | 'remove_from_collection';
type OrganizeHandlers = { [K in OrganizeActions]: (userId: string, ids: string[], body: Of<K>) => Promise<BatchItemResult[]> };

const notYours = (id: string): BatchItemResult => ({
  id, ok: false, code: 'NOT_FOUND', message: 'No upload with that id exists (or it belongs to someone else), or it was deleted.',
});
/** Every id asked for, in order: done, or not one of the user's files. */
const outcome = (ids: string[], notFound: readonly string[]) => ids.map((id) => (notFound.includes(id) ? notYours(id) : { id, ok: true }));

/**
 * The selection bar's "Add tags" and "Add to collection" as POST /uploads/batch actions. A collection
 * that is not the user's fails the whole request (NOT_FOUND, like the collection's own endpoints);
 * each file that is not theirs fails alone.
 */
export function organizeBatchHandlers(deps: OrganizeBatchDeps | undefined): OrganizeHandlers {
  const need = () => {
    if (!deps) throw new TroveError('SERVICE_UNAVAILABLE', 'Collections and tags are not available on this server process.');
    return deps;
  };
  return {
    add_tags: async (userId, ids, body) => outcome(ids, (await need().annotations.bulkTags(userId, { upload_ids: ids, add: body.tags })).not_found),
    remove_tags: async (userId, ids, body) => outcome(ids, (await need().annotations.bulkTags(userId, { upload_ids: ids, remove: body.tags })).not_found),
    add_to_collection: async (userId, ids, body) => outcome(ids, (await need().collections.addItems(userId, body.collection_id, ids)).not_found),
    remove_from_collection: async (userId, ids, body) => outcome(ids, (await need().collections.removeItems(userId, body.collection_id, ids)).not_found),
  };
}
