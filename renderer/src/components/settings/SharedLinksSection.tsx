import { useCallback, useEffect, useState } from 'react';
import type { Share } from '../../../../shared/api/schemas.ts';
import '../../styles/share.css';
import { ApiError } from '../../api/errors.ts';
import { formatWhen, listShares, messageOf, revokeShare } from '../share/share-api.ts';

const STATE_LABEL: Record<Share['state'], string> = { active: 'Active', expired: 'Expired', revoked: 'Revoked' };

/** Settings → Shared links: every link you made (ended ones for 30 days), each active one revocable. */
export function SharedLinksSection() {
  const [shares, setShares] = useState<Share[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loadProblem, setLoadProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setShares((await listShares()).shares);
    } catch (err) {
      // Not an alert: nothing the person did failed, and the rest of Settings works.
      setLoadProblem(err instanceof ApiError && err.code === 'NOT_FOUND' ? 'This Trove server does not offer share links.' : messageOf(err, 'Your shared links could not be loaded.'));
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const revoke = async (id: string) => {
    setBusy(id);
    setError(null);
    try {
      const revoked = await revokeShare(id);
      setShares((list) => list?.map((s) => (s.id === id ? revoked : s)) ?? null);
    } catch (err) {
      setError(messageOf(err, 'The link could not be revoked; try again.'));
    } finally {
      setBusy(null);
    }
  };

  return (
    <fieldset className="settings-card shared-links">
      <legend>Shared links</legend>
      {shares === null && !loadProblem && <p className="share-muted">Loading…</p>}
      {loadProblem && <p className="share-muted" role="status">{loadProblem}</p>}
      {shares?.length === 0 && <p className="share-muted">No links yet. Use “Share link…” on a file or a collection.</p>}
      {shares && shares.length > 0 && (
        <ul className="shared-links-list">
          {shares.map((s) => (
            <li key={s.id} data-state={s.state}>
              <span className="shared-link-name">{s.target.kind === 'collection' ? 'Collection' : 'File'}: {s.target.name}</span>
              <span className="share-muted">
                {STATE_LABEL[s.state]} · {s.state === 'revoked' && s.revoked_at ? `revoked ${formatWhen(s.revoked_at)}` : `${s.state === 'expired' ? 'expired' : 'expires'} ${formatWhen(s.expires_at)}`}
              </span>
              {s.state === 'active' && (
                <button type="button" className="button button-small button-danger-quiet" disabled={busy === s.id}
                  aria-label={`Revoke the link to ${s.target.name}`} onClick={() => void revoke(s.id)}>Revoke</button>
              )}
            </li>
          ))}
        </ul>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
    </fieldset>
  );
}
