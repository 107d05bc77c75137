/**
 * The selection bar's "Add to collection" and "Add tags": each opens a small form beside the bar
 * and acts on every selected file at once. Registered once at start-up (main.tsx imports this).
 */
import { useState, type FormEvent } from 'react';
import { normaliseTag } from '../../../../shared/api/organize.ts';
import { ApiError } from '../../api/errors.ts';
import { fieldOf } from './form-field.ts';
import { useLibrary } from '../../stores/library.ts';
import { useOrganize } from '../../stores/organize.ts';
import { registerSelectionAction, type SelectionActionProps } from '../selection/extensions.ts';

const NEW = '__new__';
const filesWord = (n: number) => (n === 1 ? 'the file' : `${n} files`);

function useOutcome() {
  const [message, setMessage] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async (fn: () => Promise<string>) => {
    setBusy(true);
    setMessage(null);
    try {
      setMessage(await fn());
      return true;
    } catch (err) {
      setMessage(err instanceof ApiError ? err.message : 'That did not work; try again.');
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { message, busy, run };
}

function AddToCollection({ ids }: SelectionActionProps) {
  const collections = useOrganize((s) => s.collections);
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState('');
  const { message, busy, run } = useOutcome();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = fieldOf(e.currentTarget, 'name').trim();
    void run(async () => {
      const organize = useOrganize.getState();
      const id = target === NEW || collections.length === 0 ? (await organize.createCollection(name)).id : target;
      const res = await organize.addToCollection(id, ids);
      const path = res.collection.path;
      setOpen(false);
      void useLibrary.getState().load({ quiet: true });
      const skipped = res.not_found.length > 0 ? ` ${res.not_found.length} could not be added (deleted meanwhile).` : '';
      return `Added ${filesWord(res.changed.length + res.unchanged.length)} to “${path}”.${skipped}`;
    });
  };

  return (
    <span className="selection-extra">
      <button type="button" className="button button-small" aria-expanded={open} onClick={() => {
        setOpen(!open);
        if (!useOrganize.getState().loaded) void useOrganize.getState().load();
      }}>
        Add to collection
      </button>
      {open && (
        <form className="selection-popover" onSubmit={submit} aria-label="Add to collection">
          {collections.length > 0 && (
            <select aria-label="Collection" value={target} onChange={(e) => setTarget(e.target.value)} required>
              <option value="" disabled>Choose a collection…</option>
              {collections.map((c) => <option key={c.id} value={c.id}>{c.path}</option>)}
              <option value={NEW}>New collection…</option>
            </select>
          )}
          {(target === NEW || collections.length === 0) && <input name="name" aria-label="New collection name" placeholder="New collection name" required maxLength={100} autoFocus />}
          <button type="submit" className="button button-small" disabled={busy}>Add {filesWord(ids.length)}</button>
        </form>
      )}
      {message && <span className="selection-message" role="status">{message}</span>}
    </span>
  );
}

function AddTags({ ids }: SelectionActionProps) {
  const [open, setOpen] = useState(false);
  const { message, busy, run } = useOutcome();

  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const raw = fieldOf(e.currentTarget, 'tags');
    const tags = [...new Set(raw.split(',').map((t) => normaliseTag(t)).filter((t): t is string => t !== undefined))];
    if (tags.length === 0) return;
    void run(async () => {
      const res = await useOrganize.getState().bulkTags(ids, tags);
      setOpen(false);
      void useLibrary.getState().load({ quiet: true });
      return `Tagged ${filesWord(res.changed.length)} with ${tags.map((t) => `“${t}”`).join(', ')}.`;
    });
  };

  return (
    <span className="selection-extra">
      <button type="button" className="button button-small" aria-expanded={open} onClick={() => setOpen(!open)}>Add tags</button>
      {open && (
        <form className="selection-popover" onSubmit={submit} aria-label="Add tags">
          <input name="tags" aria-label="Tags to add, separated by commas" placeholder="beach, family" required maxLength={500} autoFocus />
          <button type="submit" className="button button-small" disabled={busy}>Tag {filesWord(ids.length)}</button>
        </form>
      )}
      {message && <span className="selection-message" role="status">{message}</span>}
    </span>
  );
}

registerSelectionAction({ key: 'add-to-collection', Component: AddToCollection });
registerSelectionAction({ key: 'add-tags', Component: AddTags });
