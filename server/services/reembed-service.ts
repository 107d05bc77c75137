import { embeddingText } from '../analysis/embedding-text.ts';
import type { Embedder } from '../analysis/types.ts';
import * as embeddings from '../db/embeddings-repo.ts';
import type { DB } from '../db/schema.ts';
import type { Kysely } from 'kysely';
import type { Logger } from '../logger.ts';
import type { JobQueue, QueueJob } from '../queue/job-queue.ts';
import { JobName, type ReembedJobData } from '../queue/jobs.ts';


const BATCH = 32;

/**
 * When the embedding model changes, completed uploads keep their old vectors (still found by
 * full-text search) until this background queue has embedded them again with the new model. Files
 * no paid model may see (kept on this device, waiting for budget) belong to the local embedder's
 * space and are re-embedded there.
 */
export class ReembedService {
  private readonly models: embeddings.TargetModels;

  constructor(private readonly deps: { db: Kysely<DB>; queue: JobQueue; embedder: Embedder; localEmbedder: Embedder; log: Logger }) {
    this.models = { cloud: deps.embedder.model, local: deps.localEmbedder.model };
  }

  async enqueueStale(): Promise<number> {
    const { db, queue } = this.deps;
    const stale = await embeddings.staleUploads(db, this.models);
    if (stale.length === 0) return 0;
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < stale.length; i += BATCH) {
        await queue.enqueue(trx, JobName.Reembed, { uploadIds: stale.slice(i, i + BATCH) });
      }
    });
    this.deps.log.info({ count: stale.length, model: this.models.cloud }, 'embedding model changed; re-embedding in the background');
    return stale.length;
  }

  async handle(job: QueueJob<ReembedJobData>): Promise<void> {
    const { db, embedder, localEmbedder } = this.deps;
    const rows = await embeddings.staleAmong(db, job.data.uploadIds, this.models);
    for (const [target, group] of [[embedder, rows.filter((r) => !r.local)], [localEmbedder, rows.filter((r) => r.local)]] as const) {
      if (group.length === 0) continue;
      const vectors = await target.embed(group.map((r) => embeddingText(r.original_filename, r.summary, r.extracted_text, r.tags)));
      await db.transaction().execute(async (trx) => {
        for (const [i, row] of group.entries()) await embeddings.setEmbedding(trx, row.id, vectors[i]!, target.model);
      });
    }
  }
}
