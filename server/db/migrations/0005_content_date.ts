import { sql, type Kysely } from 'kysely';
import { contentFacts } from '../content-facts.ts';

/** Rows read and written per step of the backfill. */
const BATCH = 500;

/**
 * When each file's content was made, and by which camera, as columns search filters, sorts and
 * counts by (server/db/content-facts.ts reads them from the metadata). A file that does not say
 * keeps the time it was added. Existing rows are filled from their metadata here; new ones when
 * they complete (uploads-repo completeUpload / completeReanalysis).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE uploads ADD COLUMN content_date timestamptz, ADD COLUMN camera text`.execute(db);
  await sql`UPDATE uploads SET content_date = created_at`.execute(db);
  let after = '00000000-0000-0000-0000-000000000000';
  for (;;) {
    const { rows } = await sql<{ id: string; metadata: Record<string, unknown> | string | null }>`
      SELECT id, metadata FROM uploads WHERE id > ${after}::uuid AND metadata <> '{}'::jsonb ORDER BY id LIMIT ${BATCH}`.execute(db);
    if (rows.length === 0) break;
    after = rows[rows.length - 1]!.id;
    const updates = rows.flatMap((r) => {
      const metadata = typeof r.metadata === 'string' ? (JSON.parse(r.metadata) as Record<string, unknown>) : (r.metadata ?? {});
      const facts = contentFacts(metadata);
      return facts.contentDate || facts.camera ? [sql`(${r.id}::uuid, ${facts.contentDate?.toISOString() ?? null}::timestamptz, ${facts.camera}::text)`] : [];
    });
    if (updates.length === 0) continue;
    await sql`UPDATE uploads u SET content_date = COALESCE(v.content_date, u.content_date), camera = v.camera
      FROM (VALUES ${sql.join(updates)}) AS v(id, content_date, camera) WHERE u.id = v.id`.execute(db);
  }
  await sql`ALTER TABLE uploads ALTER COLUMN content_date SET DEFAULT now(), ALTER COLUMN content_date SET NOT NULL`.execute(db);
  // Date filters and the newest/oldest sorts of a query that names only filters read the user's files by date.
  await sql`CREATE INDEX uploads_user_content_date ON uploads (user_id, content_date DESC) WHERE deleted_at IS NULL`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX uploads_user_content_date`.execute(db);
  await sql`ALTER TABLE uploads DROP COLUMN content_date, DROP COLUMN camera`.execute(db);
}
