import { sql, type Kysely, type RawBuilder } from 'kysely';

/**
 * Column sets and table shapes that several tables share, written once so they stay alike (used from
 * migration 0006 on).
 * A released migration's SQL must never change, so neither may these: a new shape gets a new constant.
 */

/** A row one user owns: its own id and the owner (users are suspended, never deleted). */
export const OWNED_ROW = sql`id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id)`;

/** When the row was made and when it last changed. */
export const CREATED_UPDATED = sql`created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()`;

/**
 * A table whose rows a sweep deletes by age: `stampedAt` is set on insert, and indexed
 * (`<table>_<stampedAt>`) because the sweep reads it.
 */
export async function createSweptTable(db: Kysely<unknown>, table: string, columns: RawBuilder<unknown>, stampedAt: string): Promise<void> {
  await sql`CREATE TABLE ${sql.table(table)} (${columns}, ${sql.ref(stampedAt)} timestamptz NOT NULL DEFAULT now())`.execute(db);
  await sql`CREATE INDEX ${sql.id(`${table}_${stampedAt}`)} ON ${sql.table(table)} (${sql.ref(stampedAt)})`.execute(db);
}
