import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLibrary } from '../stores/library.ts';
import { LibraryFilters } from './library/LibraryFilters.tsx';
import { LibraryPager } from './library/LibraryPager.tsx';
import { LibraryRow } from './library/LibraryRow.tsx';

/** Every file, newest first, a page at a time: filters, the table, the pager. */
export function LibraryView() {
  const s = useLibrary(useShallow((st) => ({
    items: st.items, fileType: st.fileType, status: st.status, loading: st.loading, loaded: st.loaded, error: st.error,
  })));
  const load = useLibrary((st) => st.load);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="view library-view" aria-labelledby="library-heading">
      <div className="view-header">
        <h1 id="library-heading">Library</h1>
        <LibraryFilters />
      </div>
      {s.error && <p className="form-error" role="alert">{s.error}</p>}
      <div className="table-wrap">
        <table className="library-table" aria-busy={s.loading}>
          <caption className="visually-hidden">Your files, newest first</caption>
          <thead>
            <tr>
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
            {s.items.map((u) => <LibraryRow key={u.id} upload={u} />)}
          </tbody>
        </table>
        {s.loaded && s.items.length === 0 && !s.loading && (
          <p className="empty-row">{s.fileType || s.status ? 'No files match these filters.' : 'No files yet. Drop some anywhere in this window.'}</p>
        )}
      </div>
      <LibraryPager />
    </section>
  );
}
