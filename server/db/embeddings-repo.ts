import { sql, type Expression, type Kysely, type SqlBool } from 'kysely';
import type { DB } from './schema.ts';
import { toVectorLiteral } from './uploads-repo.ts';

/** The model each completed file's vector should come from: the configured one, or the local one for files no paid model may see. */
export interface TargetModels {
  cloud: string;
  local: string;
}

const isLocal = sql<boolean>`(keep_local OR cloud_status = 'awaiting_budget')`;

function staleFilter(m: TargetModels): Expression<SqlBool> {
  return sql<SqlBool>`(embedding_model IS NULL OR embedding_model <> CASE WHEN ${isLocal} THEN ${m.local} ELSE ${m.cloud} END)`;
}

export async function staleUploads(db: Kysely<DB>, m: TargetModels): Promise<string[]> {
  const rows = await db.selectFrom('uploads').select('id')
    .where('processing_status', '=', 'completed').where('deleted_at', 'is', null).where(staleFilter(m)).execute();
  return rows.map((r) => r.id);
}

export function staleAmong(db: Kysely<DB>, ids: readonly string[], m: TargetModels) {
  if (ids.length === 0) return Promise.resolve([]);
  return db.selectFrom('uploads').select(['id', 'original_filename', 'summary', 'extracted_text', 'tags', isLocal.as('local')])
    .where('id', 'in', ids).where('processing_status', '=', 'completed').where(staleFilter(m)).execute();
}

export async function setEmbedding(db: Kysely<DB>, id: string, vector: number[], model: string): Promise<void> {
  await db.updateTable('uploads').set({ embedding: toVectorLiteral(vector), embedding_model: model, updated_at: sql<Date>`now()` })
    .where('id', '=', id).where('processing_status', '=', 'completed').execute();
}
