import { Migrator, sql, type Kysely, type Migration, type MigrationProvider } from 'kysely';
import * as initial from './migrations/0001_initial.ts';
import * as inlineEmbeddings from './migrations/0002_inline_embeddings.ts';
import * as eventLog from './migrations/0003_event_log.ts';
import * as cloudAnalysis from './migrations/0004_cloud_analysis.ts';
import * as contentDate from './migrations/0005_content_date.ts';
import * as collectionsTagsNotes from './migrations/0007_collections_tags_notes.ts';
import * as foldersBatches from './migrations/0006_folders_batches.ts';
import * as purgedUploads from './migrations/0008_purged_uploads.ts';
import * as shareLinks from './migrations/0009_share_links.ts';
import * as contentChunks from './migrations/0010_content_chunks.ts';
import * as inlineSearchText from './migrations/0011_inline_search_text.ts';
import type { DB } from './schema.ts';

/** Migrations are listed here rather than read from disk, so bundlers and tsx see the same set. */
const migrations: Record<string, Migration> = {
  '0001_initial': initial,
  '0002_inline_embeddings': inlineEmbeddings,
  '0003_event_log': eventLog,
  '0004_cloud_analysis': cloudAnalysis,
  '0005_content_date': contentDate,
  '0007_collections_tags_notes': collectionsTagsNotes,
  '0006_folders_batches': foldersBatches,
  '0008_purged_uploads': purgedUploads,
  '0009_share_links': shareLinks,
  '0010_content_chunks': contentChunks,
  '0011_inline_search_text': inlineSearchText,
};

const provider: MigrationProvider = { getMigrations: () => Promise.resolve(migrations) };

export async function migrateToLatest(db: Kysely<DB>): Promise<string[]> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(`Migration failed: ${JSON.stringify(error)}`);
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** Identifier-safe name of a model's vector index. */
export function vectorIndexName(model: string): string {
  return `uploads_embedding_${model.toLowerCase().replace(/[^a-z0-9]+/g, '_')}_hnsw`;
}

/**
 * How each model's HNSW graph is built. PGlite builds in WebAssembly on one core (no parallel
 * workers), and the build's time is the distances it computes, in proportion to ef_construction:
 * at 20 000 512-d vectors pgvector's default (m 16, ef_construction 64) took 15.7 s of CPU, 32 took
 * 10.8 s (0.69×); at 100 000, 82 s. The smaller candidate list costs recall, which the search's
 * ef_search buys back (efSearchFor in search-repo.ts: recall@100 0.985). m 12 with 24 built in 56 s
 * but reached only 0.88 recall. Measured on clustered vectors (bench/search.ts), docs/BENCHMARKS.md.
 */
export const HNSW_BUILD = { m: 16, efConstruction: 32 } as const;

/**
 * Each embedding model gets a partial HNSW index over a cast to its dimension; a query that names
 * the same model and cast uses it. Created at start-up for the configured model (idempotent), so a
 * library loaded in bulk (a restore, rows of a new model) is indexed once, after the load, which is
 * far faster than inserting each row into the graph.
 */
export async function ensureVectorIndex(db: Kysely<DB>, model: string, dimensions: number): Promise<void> {
  if (!Number.isInteger(dimensions) || dimensions < 1 || dimensions > 16000) {
    throw new Error(`Bad embedding dimension ${dimensions}`);
  }
  const name = vectorIndexName(model);
  await db.transaction().execute(async (trx) => {
    // Several processes starting together would race on the same CREATE INDEX IF NOT EXISTS.
    await sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
    // The default 64 MB stops holding the graph at ~25k 512-d vectors and the build slows many-fold
    // (bench/search.ts); this only matters when the index is built over existing rows.
    await sql`SET LOCAL maintenance_work_mem = '512MB'`.execute(trx);
    await sql`CREATE INDEX IF NOT EXISTS ${sql.id(name)} ON uploads
      USING hnsw ((embedding::vector(${sql.raw(String(dimensions))})) vector_cosine_ops)
      WITH (m = ${sql.lit(HNSW_BUILD.m)}, ef_construction = ${sql.lit(HNSW_BUILD.efConstruction)})
      WHERE embedding_model = ${sql.lit(model)}`.execute(trx);
  });
}
