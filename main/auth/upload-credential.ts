/**
 * Whether uploads have a credential right now: the local server's token, or in cloud mode an ID
 * token the server has not refused. A refusal (401) holds the upload queue while main renews the
 * sign-in — or ends it, when the server refuses even a fresh token; the page hears about either
 * through `session:changed`. The next token, or another server, lifts the refusal.
 */
import type { Connection } from '../../shared/ipc/contract.ts';
import type { SessionKeeper } from './session-keeper.ts';

export class UploadCredential {
  private rejected = false;

  constructor(
    private readonly connection: () => Connection,
    private readonly session: Pick<SessionKeeper, 'idToken' | 'refused'>,
    private readonly log?: (message: string, extra?: Record<string, unknown>) => void,
  ) {}

  /** Uploads may go: local mode, or a cloud sign-in whose token the server has not refused. */
  usable(): boolean {
    return this.connection().mode === 'local' || (this.session.idToken() !== null && !this.rejected);
  }

  /**
   * The queue met a 401. True in cloud mode: the queue holds while the sign-in is renewed (or
   * ended); false in local mode, where the item fails as before.
   */
  refused(): boolean {
    const c = this.connection();
    if (c.mode !== 'cloud') return false;
    this.rejected = true;
    void this.session.refused(c.url).catch((err: unknown) => this.log?.('renewing a refused sign-in failed', { err: String(err) }));
    return true;
  }

  /** A new token, or another server: whatever was refused before no longer applies. */
  reset(): void {
    this.rejected = false;
  }
}
