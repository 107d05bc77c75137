import { useRef } from 'react';
import { useDeletion } from '../stores/deletion.ts';
import { Modal } from './Modal.tsx';

/** "Delete this file?" / "Delete 3 files?" — every delete goes through here. */
export function ConfirmDeleteDialog() {
  const pending = useDeletion((s) => s.pending);
  const busy = useDeletion((s) => s.busy);
  const error = useDeletion((s) => s.error);
  const { cancel, confirm } = useDeletion.getState();
  const cancelButton = useRef<HTMLButtonElement>(null);
  if (!pending) return null;
  const many = pending.items.length > 1;
  return (
    <Modal onClose={cancel} labelledBy="confirm-delete-title" describedBy="confirm-delete-text" role="alertdialog"
      className="modal-small" initialFocus={cancelButton}>
      <h2 id="confirm-delete-title">Delete {pending.label}?</h2>
      <p id="confirm-delete-text">
        {many ? 'They disappear' : 'It disappears'} from your searches and library at once. You can undo this, and
        restore {many ? 'them' : 'it'} from Recently deleted until Trove removes {many ? 'them' : 'it'} for good.
      </p>
      {error && <p className="form-error" role="alert">{error}</p>}
      <div className="modal-actions">
        <button ref={cancelButton} type="button" className="button" onClick={cancel}>Cancel</button>
        <button type="button" className="button button-danger" disabled={busy} onClick={() => void confirm()}>
          {busy ? 'Deleting\u2026' : 'Delete'}
        </button>
      </div>
    </Modal>
  );
}
