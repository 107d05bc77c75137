import { useEffect, useRef, useState } from 'react';
import type { CreatedShare, SharingStatus } from '../../../../shared/api/schemas.ts';
import '../../styles/share.css';
import { Modal } from '../Modal.tsx';
import { createShare, DEFAULT_EXPIRY_S, EXPIRY_CHOICES, formatWhen, listShares, messageOf, type ShareTarget } from './share-api.ts';

/**
 * "Share link…": choose how long the link lasts, make it, copy it. Before anything is made it asks
 * the server whether links can work here: the embedded server on loopback says why not (and how to
 * change that); reachable from the network, its warning is shown above the button that makes the link.
 */
export function ShareDialog({ target, name, onClose }: { target: ShareTarget; name: string; onClose: () => void }) {
  const [status, setStatus] = useState<SharingStatus | null>(null);
  const [expiry, setExpiry] = useState<number>(DEFAULT_EXPIRY_S);
  const [created, setCreated] = useState<CreatedShare | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [copied, setCopied] = useState(false);
  const urlField = useRef<HTMLInputElement>(null);

  useEffect(() => {
    let live = true;
    listShares().then((l) => { if (live) setStatus(l.sharing); }, (err: unknown) => { if (live) setError(messageOf(err, 'Could not reach Trove to make a link.')); });
    return () => { live = false; };
  }, []);

  const make = async () => {
    setBusy(true);
    setError(null);
    try {
      setCreated(await createShare(target, expiry));
    } catch (err) {
      setError(messageOf(err, 'The link could not be made; try again.'));
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.url);
      setCopied(true);
    } catch {
      // No clipboard permission (an http page on another machine): leave the link selected to copy by hand.
      urlField.current?.select();
      setError('Copying was not allowed here: the link is selected, press Ctrl+C (⌘C) to copy it.');
    }
  };

  return (
    <Modal onClose={onClose} labelledBy="share-title" describedBy="share-text" className="modal-small share-dialog">
      <h2 id="share-title">Share “{name}”</h2>
      <p id="share-text">
        Anyone with the link can see {'upload_id' in target ? 'this file' : 'the files in this collection'} — thumbnails, previews,
        names, sizes and dates — and download {'upload_id' in target ? 'it' : 'them'}. Nothing else of yours is shown, and the link
        stops working when it expires or you revoke it (Settings → Shared links).
      </p>
      {status === null && !error && <p className="share-muted" role="status">Checking whether links can be made here…</p>}
      {status && !status.available && (
        <p className="share-refused" role="alert" data-code={status.code ?? undefined}>{status.message}</p>
      )}
      {status?.available && !created && (
        <>
          {status.warning && <p className="share-warning" role="alert"><strong>Reachable from your network.</strong> {status.warning}</p>}
          <fieldset className="share-expiry">
            <legend>Link expires after</legend>
            <div className="radio-row">
              {EXPIRY_CHOICES.map((c) => (
                <label key={c.seconds} className="radio">
                  <input type="radio" name="share-expiry" value={c.seconds} checked={expiry === c.seconds} onChange={() => setExpiry(c.seconds)} />
                  <span>{c.label}</span>
                </label>
              ))}
            </div>
          </fieldset>
        </>
      )}
      {created && (
        <div className="share-created">
          <label htmlFor="share-url">Link (shown once — copy it now; lost links are replaced by new ones)</label>
          <div className="share-url-row">
            <input id="share-url" ref={urlField} readOnly value={created.url} onFocus={(e) => e.currentTarget.select()} />
            <button type="button" className="button button-primary" onClick={() => void copy()}>{copied ? 'Copied' : 'Copy'}</button>
          </div>
          <p className="share-muted">Expires {formatWhen(created.expires_at)}.</p>
          <p className="visually-hidden" role="status">{copied ? 'Link copied' : 'Link made'}</p>
        </div>
      )}
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button type="button" className="button" onClick={onClose}>{created ? 'Done' : 'Cancel'}</button>
        {status?.available && !created && (
          <button type="button" className="button button-primary" disabled={busy} onClick={() => void make()}>{busy ? 'Making link…' : 'Create link'}</button>
        )}
      </div>
    </Modal>
  );
}
