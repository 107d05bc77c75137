import { useEffect, useState, type FormEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { ApiError } from '../../api/errors.ts';
import { fieldOf } from './form-field.ts';
import { useLibrary } from '../../stores/library.ts';
import { useOrganize, type Place } from '../../stores/organize.ts';
import { ShareButton } from '../share/ShareButton.tsx';

const samePlace = (a: Place, b: Place) =>
  a.kind === b.kind && (a.kind !== 'collection' || a.id === (b as { id: string }).id) && (a.kind !== 'folder' || a.path === (b as { path: string }).path);

/** Shows the library of one place (its first page). */
function show(place: Place): void {
  useOrganize.getState().choose(place);
  useLibrary.setState({ offset: 0 });
  void useLibrary.getState().load();
}

/**
 * The library's side tree: all files, the collections (a sub-collection under its parent) and the
 * folders files came in, each with its count; choosing one filters the library. Collections are
 * created, renamed and deleted here (deleting one never deletes a file).
 */
export function PlacesTree() {
  const { collections, folders, place, error } = useOrganize(useShallow((s) => ({
    collections: s.collections, folders: s.folders, place: s.place, error: s.error,
  })));
  const [creating, setCreating] = useState<{ parentId: string | null } | null>(null);
  const [renaming, setRenaming] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    void useOrganize.getState().load();
  }, []);

  const chosen = place.kind === 'collection' ? collections.find((c) => c.id === place.id) : undefined;
  const act = async (fn: () => Promise<unknown>) => {
    setProblem(null);
    try {
      await fn();
      return true;
    } catch (err) {
      setProblem(err instanceof ApiError ? err.message : 'That did not work; try again.');
      return false;
    }
  };

  const submitNew = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const name = fieldOf(e.currentTarget, 'name').trim();
    if (!name || !creating) return;
    if (await act(() => useOrganize.getState().createCollection(name, creating.parentId))) setCreating(null);
  };
  const submitRename = async (e: FormEvent<HTMLFormElement>, id: string) => {
    e.preventDefault();
    const name = fieldOf(e.currentTarget, 'name').trim();
    if (name && (await act(() => useOrganize.getState().renameCollection(id, name)))) {
      setRenaming(null);
      show({ kind: 'collection', id, label: name });
    }
  };

  return (
    <nav className="places" aria-label="Collections and folders">
      <button type="button" className="place" aria-pressed={place.kind === 'all'} onClick={() => show({ kind: 'all' })}>All files</button>

      <div className="places-heading">
        <h2 id="places-collections">Collections</h2>
        <button type="button" className="icon-button" aria-label="New collection" title="New collection" onClick={() => setCreating({ parentId: null })}>+</button>
      </div>
      {creating && (
        <form className="place-form" onSubmit={(e) => void submitNew(e)}>
          <input name="name" aria-label={creating.parentId ? 'Sub-collection name' : 'Collection name'} placeholder={creating.parentId ? 'Sub-collection name' : 'Collection name'} maxLength={100} autoFocus />
          <button type="submit" className="button button-small">Create</button>
          <button type="button" className="button button-small button-quiet" onClick={() => setCreating(null)}>Cancel</button>
        </form>
      )}
      <ul className="place-list" aria-labelledby="places-collections">
        {collections.map((c) => (
          <li key={c.id} className={c.parent_id ? 'place-child' : undefined}>
            {renaming === c.id ? (
              <form className="place-form" onSubmit={(e) => void submitRename(e, c.id)}>
                <input name="name" aria-label="New name" defaultValue={c.name} maxLength={100} autoFocus />
                <button type="submit" className="button button-small">Save</button>
                <button type="button" className="button button-small button-quiet" onClick={() => setRenaming(null)}>Cancel</button>
              </form>
            ) : (
              <button type="button" className="place" aria-pressed={samePlace(place, { kind: 'collection', id: c.id, label: c.path })}
                onClick={() => show({ kind: 'collection', id: c.id, label: c.path })}>
                {c.cover_url ? <img className="place-cover" src={c.cover_url} alt="" /> : <span className="place-cover" aria-hidden="true" />}
                <span className="place-name">{c.name}</span>
                <span className="place-count" aria-label={`${c.total_count} files`}>{c.total_count}</span>
              </button>
            )}
          </li>
        ))}
      </ul>
      {collections.length === 0 && <p className="place-empty">No collections yet.</p>}
      {chosen && renaming === null && (
        <div className="place-actions" role="group" aria-label={`Collection ${chosen.path}`}>
          {chosen.parent_id === null && (
            <button type="button" className="button button-small button-quiet" onClick={() => setCreating({ parentId: chosen.id })}>Add sub-collection</button>
          )}
          <button type="button" className="button button-small button-quiet" onClick={() => setRenaming(chosen.id)}>Rename</button>
          <ShareButton small target={{ collection_id: chosen.id }} name={chosen.path} />
          {confirming === chosen.id ? (
            <span className="place-confirm" role="alert">
              Delete “{chosen.name}”{collections.some((c) => c.parent_id === chosen.id) ? ' and its sub-collections' : ''}? Its files stay in your library.
              <button type="button" className="button button-small button-danger"
                onClick={() => void act(() => useOrganize.getState().deleteCollection(chosen.id)).then((ok) => { setConfirming(null); if (ok) show({ kind: 'all' }); })}>
                Delete collection
              </button>
              <button type="button" className="button button-small button-quiet" onClick={() => setConfirming(null)}>Keep</button>
            </span>
          ) : (
            <button type="button" className="button button-small button-quiet" onClick={() => setConfirming(chosen.id)}>Delete</button>
          )}
        </div>
      )}

      <h2 id="places-folders">Folders</h2>
      <ul className="place-list" aria-labelledby="places-folders">
        {folders.map((f) => (
          <li key={f.path} style={{ paddingInlineStart: `${f.depth * 0.9}rem` }}>
            <button type="button" className="place" title={f.path} aria-pressed={samePlace(place, { kind: 'folder', path: f.path, label: f.path })}
              onClick={() => show({ kind: 'folder', path: f.path, label: f.path })}>
              <span className="place-name">{f.name}</span>
              <span className="place-count" aria-label={`${f.total_count} files`}>{f.total_count}</span>
            </button>
          </li>
        ))}
      </ul>
      {folders.length === 0 && <p className="place-empty">Files from ZIPs, synced folders and dropped folders show their folders here.</p>}
      {(problem ?? error) && <p className="form-error" role="alert">{problem ?? error}</p>}
    </nav>
  );
}
