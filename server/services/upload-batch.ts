import { MAX_BATCH_IDS, type BatchActionBody, type BatchItemResult, type BatchResult } from '../../shared/api/schemas.ts';
import { TroveError } from '../../shared/api/errors.ts';
import type { RecentlyDeleted } from './recently-deleted.ts';
import type { UploadService } from './upload-service.ts';
import { organizeBatchHandlers, type OrganizeBatchDeps } from './organize-batch.ts';

export interface UploadBatchDeps {
  uploads: UploadService;
  deleted: RecentlyDeleted;
  /** Tags and collections (organize-batch.ts); absent where a process serves neither. */
  organize?: OrganizeBatchDeps | undefined;
}

type Handler<A extends BatchActionBody> = (userId: string, ids: string[], body: A) => Promise<BatchItemResult[]>;
type Handlers = { [K in BatchActionBody['action']]: Handler<Extract<BatchActionBody, { action: K }>> };

/**
 * One action on many of a user's uploads (POST /uploads/batch). Every id is checked against the
 * user on its own: an id that is not theirs (or not there) fails alone with NOT_FOUND, which says
 * nothing about whether it exists for someone else. Each id's change is atomic — done or untouched —
 * and delete runs as one transaction for the whole batch. A new action adds its schema to
 * BatchActionBody (shared/api/schemas.ts) and its handler here.
 */
export class UploadBatch {
  private readonly handlers: Handlers;

  constructor(private readonly deps: UploadBatchDeps) {
    this.handlers = {
      delete: (userId, ids) => this.remove(userId, ids),
      restore: (userId, ids) => eachId(ids, (id) => this.deps.deleted.restore(userId, id)),
      retry: (userId, ids) => eachId(ids, (id) => this.deps.uploads.retry(userId, id)),
      ...organizeBatchHandlers(deps.organize),
    };
  }

  async run(userId: string, body: BatchActionBody): Promise<BatchResult> {
    const ids = [...new Set(body.ids.map((id) => id.toLowerCase()))];
    if (ids.length > MAX_BATCH_IDS) {
      throw new TroveError('BATCH_TOO_LARGE', `A batch may name at most ${MAX_BATCH_IDS} files; this one named ${ids.length}. Send them in several requests.`,
        { max: MAX_BATCH_IDS, given: ids.length });
    }
    const handler = this.handlers[body.action] as Handler<BatchActionBody>;
    const results = await handler(userId, ids, body);
    const succeeded = results.filter((r) => r.ok).length;
    return { action: body.action, results, succeeded, failed: results.length - succeeded };
  }

  private async remove(userId: string, ids: string[]): Promise<BatchItemResult[]> {
    const done = await this.deps.deleted.removeMany(userId, ids);
    return ids.map((id) => (done.has(id) ? { id, ok: true } : { id, ...failure(notFoundError()) }));
  }
}

/** Runs `act` for each id in turn; a refusal with a stable code fails that id only. */
async function eachId(ids: string[], act: (id: string) => Promise<unknown>): Promise<BatchItemResult[]> {
  const out: BatchItemResult[] = [];
  for (const id of ids) {
    try {
      await act(id);
      out.push({ id, ok: true });
    } catch (err) {
      // An unexpected failure (the database went away) fails this id and says so; the ids before
      // it are done, and the caller sees exactly which.
      out.push({ id, ...failure(err instanceof TroveError ? err : new TroveError('INTERNAL_ERROR', 'This file could not be changed just now; try again.')) });
    }
  }
  return out;
}

const failure = (err: TroveError) => ({ ok: false, code: err.code, message: err.message });
const notFoundError = () => new TroveError('NOT_FOUND', 'No upload with that id exists (or it belongs to someone else), or it was deleted already.');
