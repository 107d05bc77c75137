import { useRef, useState, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ApiError } from '../../api/errors.ts';
import { getServices } from '../../services.ts';
import { failureText, inBatches, useDeletion } from '../../stores/deletion.ts';
import { selectedIn, useSelection, type SelectionScope } from '../../stores/selection.ts';
import { CloseIcon, DownloadIcon, RetryIcon, TrashIcon } from '../Icons.tsx';
import { selectionActions } from './extensions.ts';

/** A file as the bar needs it. */
export interface SelectableFile {
  id: string;
  filename: string;
  failed: boolean;
}

interface SelectionBarProps {
  scope: SelectionScope;
  /** The files shown, in order (for "Select all" and to know which selected ones failed). */
  files: readonly SelectableFile[];
}

/**
 * "N selected" and what to do with them: delete (with Undo), download as one ZIP, retry the failed
 * ones, and the actions other features register (extensions.ts). A toolbar: Tab reaches it once,
 * the arrow keys move between its buttons, Esc clears the selection.
 */
export function SelectionBar({ scope, files }: SelectionBarProps) {
  const ids = useSelection(useShallow((s) => selectedIn(s, scope)));
  const [busy, setBusy] = useState<'zip' | 'retry' | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const bar = useRef<HTMLDivElement>(null);
  if (ids.length === 0) return null;

  const chosen = new Set(ids);
  const selectedFiles = files.filter((f) => chosen.has(f.id));
  const failed = selectedFiles.filter((f) => f.failed);
  const { clear, selectAll } = useSelection.getState();
  const allShown = files.length > 0 && files.every((f) => chosen.has(f.id));

  const remove = () => useDeletion.getState().requestMany(ids.map((id) => ({ id, filename: files.find((f) => f.id === id)?.filename ?? 'file' })));

  const downloadZip = async () => {
    setBusy('zip');
    setMessage(null);
    try {
      const { blob, filename, missing } = await getServices().api.downloadZip(ids);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = filename;
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setMessage(missing.length > 0 ? `${missing.length} of the files could not be added to the ZIP (see _errors.txt inside).` : null);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : 'The ZIP could not be made.');
    } finally {
      setBusy(null);
    }
  };

  const retryFailed = async () => {
    setBusy('retry');
    setMessage(null);
    try {
      const results = await inBatches('retry', failed.map((f) => f.id));
      const refused = results.filter((r) => !r.ok);
      setMessage(refused.length > 0 ? failureText(refused, results.length, 'retried') : `Processing ${results.length === 1 ? 'the file' : `${results.length} files`} again.`);
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : 'The files could not be retried.');
    } finally {
      setBusy(null);
    }
  };

  // The toolbar pattern: one Tab stop, arrows between the buttons.
  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      clear();
      return;
    }
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft' && e.key !== 'Home' && e.key !== 'End') return;
    const buttons = [...(bar.current?.querySelectorAll<HTMLButtonElement>('button:not(:disabled)') ?? [])];
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
    const next = e.key === 'Home' ? 0 : e.key === 'End' ? buttons.length - 1 : (at + (e.key === 'ArrowRight' ? 1 : -1) + buttons.length) % buttons.length;
    buttons[next]?.focus();
    e.preventDefault();
  };

  const Extra = selectionActions();
  return (
    <div ref={bar} className="selection-bar" role="toolbar" aria-label="Selected files" onKeyDown={onKeyDown}>
      <span className="selection-count" aria-live="polite">{ids.length} selected</span>
      {!allShown && (
        <button type="button" className="button button-small" onClick={() => selectAll(scope, files.map((f) => f.id))}>
          Select all {files.length}
        </button>
      )}
      <button type="button" className="button button-small button-danger" onClick={remove}>
        <TrashIcon size={14} />Delete
      </button>
      <button type="button" className="button button-small" onClick={() => void downloadZip()} disabled={busy === 'zip'} aria-busy={busy === 'zip'}>
        <DownloadIcon size={14} />{busy === 'zip' ? 'Preparing ZIP\u2026' : 'Download as ZIP'}
      </button>
      <button type="button" className="button button-small" onClick={() => void retryFailed()} disabled={failed.length === 0 || busy === 'retry'}
        title={failed.length === 0 ? 'None of the selected files failed' : undefined}>
        <RetryIcon size={14} />{failed.length > 0 ? `Retry ${failed.length} failed` : 'Retry failed'}
      </button>
      {Extra.map(({ key, Component }) => <Component key={key} ids={ids} scope={scope} done={clear} />)}
      <button type="button" className="icon-button" onClick={clear} aria-label="Clear selection" title="Clear selection (Esc)">
        <CloseIcon size={16} />
      </button>
      {message && <span className="selection-message" role="status">{message}</span>}
    </div>
  );
}
