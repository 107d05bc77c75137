import { useEffect } from 'react';
import { UNDO_MS, useDeletion } from '../stores/deletion.ts';

const NOTICE_MS = 4000;

/**
 * The short-lived message under the window: "Deleted … Undo" for UNDO_MS after a delete (Ctrl/Cmd+Z
 * does the same), then what Undo did. Announced politely.
 */
export function Toast() {
  const lastDeleted = useDeletion((s) => s.lastDeleted);
  const notice = useDeletion((s) => s.notice);
  const undoing = useDeletion((s) => s.undoing);
  const { undo, dismiss } = useDeletion.getState();

  useEffect(() => {
    if (!lastDeleted && !notice) return;
    const t = setTimeout(dismiss, lastDeleted ? UNDO_MS : NOTICE_MS);
    return () => clearTimeout(t);
  }, [lastDeleted, notice, dismiss]);

  const text = lastDeleted ? `Deleted ${lastDeleted.label}.` : notice;
  return (
    <div className={`toast${text ? ' is-visible' : ''}`} role="status" aria-live="polite">
      {text}
      {lastDeleted && (
        <button type="button" className="toast-action" onClick={() => void undo()} disabled={undoing}
          aria-keyshortcuts="Control+Z Meta+Z">
          {undoing ? 'Restoring\u2026' : 'Undo'}
        </button>
      )}
    </div>
  );
}
