import { createHash, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import { TroveError } from '../../shared/api/errors.ts';
import type { DB } from '../db/schema.ts';
import { ensureUser, type User } from '../db/users-repo.ts';

/** Turns a request's credentials into a user of this server; null when there are none or they are wrong. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<User>;
}

/**
 * Local mode: bearer tokens, each naming a local user. The embedded default has exactly one
 * (the token file); more can be configured for shared machines and for isolation tests.
 */
export class LocalTokenAuthenticator implements Authenticator {
  private readonly digests: { digest: Buffer; externalId: string }[];
  private readonly users = new Map<string, User>();

  constructor(private readonly db: Kysely<DB>, tokens: Record<string, string>) {
    // Comparing fixed-length digests in constant time keeps token length and prefix from leaking.
    this.digests = Object.entries(tokens).map(([token, externalId]) => ({ digest: sha(token), externalId }));
  }

  async authenticate(authorization: string | undefined): Promise<User> {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) throw new TroveError('UNAUTHORIZED', 'Missing access token: send "Authorization: Bearer <token>" (the token is in the data folder\'s "token" file).');
    const given = sha(m[1]!);
    const match = this.digests.find((d) => timingSafeEqual(d.digest, given));
    if (!match) throw new TroveError('UNAUTHORIZED', 'The access token is not valid for this server.');
    let user = this.users.get(match.externalId);
    if (!user) {
      user = await ensureUser(this.db, `local:${match.externalId}`);
      this.users.set(match.externalId, user);
    }
    return user;
  }
}

const sha = (s: string): Buffer => createHash('sha256').update(s).digest();
