import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { DB } from './schema.ts';

export interface User {
  id: string;
  externalId: string;
  suspended: boolean;
}

/** Finds the user for an identity from the auth provider, creating it on first sight. */
export async function ensureUser(db: Kysely<DB>, externalId: string, email?: string | null): Promise<User> {
  await db.insertInto('users').values({ id: randomUUID(), external_id: externalId, email: email ?? null })
    .onConflict((oc) => oc.column('external_id').doNothing()).execute();
  const row = await db.selectFrom('users').select(['id', 'external_id', 'suspended'])
    .where('external_id', '=', externalId).executeTakeFirstOrThrow();
  return { id: row.id, externalId: row.external_id, suspended: row.suspended };
}
