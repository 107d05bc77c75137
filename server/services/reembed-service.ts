import { sql, type Kysely } from 'kysely';
import { embeddingText } from '../analysis/embedding-text.ts';
import type { Embedder } from '../analysis/types.ts';
import type { DB } from '../db/schema.ts';
import { toVectorLiteral } from '../db/uploads-repo.ts';
import type { Logger } from '../logger.ts';
import type { JobQueue, QueueJob } from '../queue/job-queue.ts';

export const REEMBED_QUEUE = 'reembed-upload';

export interface ReembedJobData {
  uploadIds: string[];
}

const BATCH = 32;

/**
 * When the embedding model changes, completed uploads keep their old vectors (still found by
 * full-text search) until this background queue has embedded them again with the new model.
 */
export class ReembedService {
  constructor(private readonly deps: { db: Kysely<DB>; queue: JobQueue; embedder: Embedder; log: Logger }) {}

  async enqueueStale(): Promise<number> {
    const { db, embedder, queue } = this.deps;
    const stale = await db.selectFrom('uploads').select('id')
      .where('processing_status', '=', 'completed').where('deleted_at', 'is', null)
      .where((eb) => eb.or([eb('embedding_model', 'is', null), eb('embedding_model', '!=', embedder.model)]))
      .execute();
    if (stale.length === 0) return 0;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < stale.length; i += BATCH) {
        await queue.enqueue(trx, REEMBED_QUEUE, { uploadIds: stale.slice(i, i + BATCH).map((r) => r.id) } satisfies ReembedJobData);
      }
    });
    this.deps.log.info({ count: stale.length, model: embedder.model }, 'embedding model changed; re-embedding in the background');
    return stale.length;
  }

  async handle(job: QueueJob<ReembedJobData>): Promise<void> {
    const { db, embedder } = this.deps;
    const rows = await db.selectFrom('uploads').select(['id', 'original_filename', 'summary', 'extracted_text'])
      .where('id', 'in', job.data.uploadIds).where('processing_status', '=', 'completed')
      .where((eb) => eb.or([eb('embedding_model', 'is', null), eb('embedding_model', '!=', embedder.model)]))
      .execute();
    if (rows.length === 0) return;
    const vectors = await embedder.embed(rows.map((r) => embeddingText(r.original_filename, r.summary, r.extracted_text)));
    await db.transaction().execute(async (trx) => {
      for (const [i, row] of rows.entries()) {
        await trx.updateTable('uploads')
          .set({ embedding: toVectorLiteral(vectors[i]!), embedding_model: embedder.model, updated_at: sql<Date>`now()` })
          .where('id', '=', row.id).where('processing_status', '=', 'completed').execute();
      }
    });
  }
}
