import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { TYPE_LABELS, formatBytes, formatDate } from '../lib/items.ts';
import { useRecentlyDeleted } from '../stores/recently-deleted.ts';
import { RetryIcon } from './Icons.tsx';
import { Thumbnail } from './Thumbnail.tsx';

/** Deleted files Trove still keeps, last deleted first, each with when it goes for good and Restore. */
export function RecentlyDeletedView() {
  const s = useRecentlyDeleted(useShallow((st) => ({
    items: st.items, total: st.total, loading: st.loading, loaded: st.loaded, error: st.error,
    busy: st.busy, rowErrors: st.rowErrors, lastRestored: st.lastRestored,
  })));
  const { load, restore } = useRecentlyDeleted.getState();

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section className="view library-view" aria-labelledby="deleted-heading">
      <div className="view-header">
        <h1 id="deleted-heading">Recently deleted</h1>
        <p className="view-note">Deleted files stay here until the date shown, then Trove removes them for good.</p>
      </div>
      {s.error && <p className="form-error" role="alert">{s.error}</p>}
      <p className="visually-hidden" role="status" aria-live="polite">{s.lastRestored ? `Restored \u201c${s.lastRestored}\u201d.` : ''}</p>
      <div className="table-wrap">
        <table className="library-table" aria-busy={s.loading}>
          <caption className="visually-hidden">Recently deleted files, last deleted first</caption>
          <thead>
            <tr>
              <th scope="col"><span className="visually-hidden">Preview</span></th>
              <th scope="col">Name</th>
              <th scope="col">Type</th>
              <th scope="col" className="num">Size</th>
              <th scope="col">Deleted</th>
              <th scope="col">Removed for good</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {s.items.map((u) => (
              <tr key={u.id}>
                <td className="cell-thumb"><Thumbnail id={u.id} url={u.thumbnail_url} fileType={u.file_type} pending={false} /></td>
                <td className="cell-name">
                  <span>{u.filename}</span>
                  {s.rowErrors[u.id] && <p className="row-error" role="alert">{s.rowErrors[u.id]}</p>}
                </td>
                <td><span className={`badge badge-${u.file_type}`}>{TYPE_LABELS[u.file_type].one}</span></td>
                <td className="num">{formatBytes(u.file_size)}</td>
                <td>{u.deleted_at ? formatDate(u.deleted_at, true) : ''}</td>
                <td>{u.purge_after ? formatDate(u.purge_after) : ''}</td>
                <td className="cell-actions">
                  <button type="button" className="button button-small" disabled={s.busy[u.id]} onClick={() => void restore(u.id)}
                    aria-label={`Restore ${u.filename}`}>
                    <RetryIcon size={14} />Restore
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {s.loaded && s.items.length === 0 && !s.loading && <p className="empty-row">Nothing was deleted recently.</p>}
      </div>
      {s.total > s.items.length && <p className="view-note">Showing the {s.items.length} most recently deleted of {s.total}.</p>}
    </section>
  );
}
