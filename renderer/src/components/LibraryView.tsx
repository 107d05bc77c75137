import { useEffect, useMemo, type KeyboardEvent } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLibrary } from '../stores/library.ts';
import { selectedIn, useSelection } from '../stores/selection.ts';
import { LibraryFilters } from './library/LibraryFilters.tsx';
import { LibraryPager } from './library/LibraryPager.tsx';
import { LibraryRow } from './library/LibraryRow.tsx';
import { PlacesTree } from './organize/PlacesTree.tsx';
import { SelectionBar } from './selection/SelectionBar.tsx';

/**
 * Every file, newest first, a page at a time: filters, the table, the pager. Each row has a
 * checkbox (Shift-click selects a range); in the table Ctrl/Cmd+A selects the page, Esc clears.
 */
export function LibraryView() {
  const s = useLibrary(useShallow((st) => ({
    items: st.items, fileType: st.fileType, status: st.status, loading: st.loading, loaded: st.loaded, error: st.error,
  })));
  const load = useLibrary((st) => st.load);
  const selected = useSelection(useShallow((st) => selectedIn(st, 'library')));
  const files = useMemo(() => s.items.map((u) => ({ id: u.id, filename: u.filename, failed: u.processing_status === 'failed' })), [s.items]);
  const order = useMemo(() => files.map((f) => f.id), [files]);
  const allSelected = files.length > 0 && selected.length >= files.length && files.every((f) => selected.includes(f.id));

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && e.key.toLowerCase() === 'a' && files.length > 0) {
      e.preventDefault();
      useSelection.getState().selectAll('library', order);
    } else if (e.key === 'Escape' && selected.length > 0) {
      e.preventDefault();
      useSelection.getState().clear();
    }
  };

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <div className="library-layout">
    <PlacesTree />
    <section className="view library-view" aria-labelledby="library-heading">
      <div className="view-header">
        <h1 id="library-heading">Library</h1>
        <LibraryFilters />
      </div>
      <SelectionBar scope="library" files={files} />
      {s.error && <p className="form-error" role="alert">{s.error}</p>}
      <div className="table-wrap" onKeyDown={onKeyDown}>
        <table className="library-table" aria-busy={s.loading}>
          <caption className="visually-hidden">Your files, newest first</caption>
          <thead>
            <tr>
              <th scope="col" className="cell-check">
                <input type="checkbox" aria-label="Select all files on this page" checked={allSelected} disabled={files.length === 0}
                  onChange={() => (allSelected ? useSelection.getState().clear() : useSelection.getState().selectAll('library', order))} />
              </th>
              <th scope="col"><span className="visually-hidden">Preview</span></th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col">Status</th>
              <th scope="col" className="num">Size</th>
              <th scope="col">Added</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((u) => <LibraryRow key={u.id} upload={u} selected={selected.includes(u.id)} order={order} />)}
          </tbody>
        </table>
        {s.loaded && s.items.length === 0 && !s.loading && (
          <p className="empty-row">{s.fileType || s.status ? 'No files match these filters.' : 'No files yet. Drop some anywhere in this window.'}</p>
        )}
      </div>
      <LibraryPager />
    </section>
    </div>
  );
}
