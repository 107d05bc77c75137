import { sql, type Kysely } from 'kysely';

/**
 * Live upload events shared by several server processes (PgEventBus). NOTIFY alone loses what a
 * listener misses while its connection is down, and does not cross connections at all on PGlite
 * served over a socket; a short-lived log that listeners read by id survives both. Rows are only
 * kept for minutes (the bus deletes older ones).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE TABLE event_log (
      id bigserial PRIMARY KEY,
      user_id uuid NOT NULL,
      origin text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    )`.execute(db);
  await sql`CREATE INDEX event_log_created ON event_log (created_at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TABLE event_log`.execute(db);
}
