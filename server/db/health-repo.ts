import { sql, type Kysely } from 'kysely';
import type { DB } from './schema.ts';

/** Whether the database answers a trivial query: the health check's one question. */
export function databaseAnswers(db: Kysely<DB>): Promise<boolean> {
  return sql`SELECT 1`.execute(db).then(() => true, () => false);
}
