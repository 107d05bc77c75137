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

/** Suspends (or restores) a user: their requests get 403 ACCOUNT_SUSPENDED once auth caches expire. */
export async function setSuspended(db: Kysely<DB>, externalId: string, suspended: boolean): Promise<boolean> {
  const res = await db.updateTable('users').set({ suspended }).where('external_id', '=', externalId).executeTakeFirst();
  return Number(res.numUpdatedRows) > 0;
}
