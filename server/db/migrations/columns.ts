import { sql } from 'kysely';

/**
 * Column sets that several tables share, written once so they stay alike (used from migration 0006 on).
 * A released migration's SQL must never change, so neither may these: a new shape gets a new constant.
 */

/** A row one user owns: its own id and the owner (users are suspended, never deleted). */
export const OWNED_ROW = sql`id uuid PRIMARY KEY, user_id uuid NOT NULL REFERENCES users(id)`;

/** When the row was made and when it last changed. */
export const CREATED_UPDATED = sql`created_at timestamptz NOT NULL DEFAULT now(), updated_at timestamptz NOT NULL DEFAULT now()`;
