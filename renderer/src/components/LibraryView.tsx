import { useEffect } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { FILE_TYPES, PROCESSING_STATUSES, type FileType, type ProcessingStatus } from '../../../shared/file-types.ts';
import { cloudBadge } from '../lib/cloud.ts';
import { TYPE_LABELS, formatBytes, formatDate, fromUpload } from '../lib/items.ts';
import { useDeletion } from '../stores/deletion.ts';
import { useDetail } from '../stores/detail.ts';
import { LIBRARY_PAGE_SIZE, useLibrary } from '../stores/library.ts';
import { CloudBadge } from './CloudBadge.tsx';
import { RetryIcon, TrashIcon } from './Icons.tsx';
import { Thumbnail } from './Thumbnail.tsx';

const STATUS_LABELS: Record<ProcessingStatus, string> = {
  pending: 'Waiting', processing: 'Processing', completed: 'Ready', failed: 'Failed',
};

export function LibraryView() {
  const s = useLibrary(useShallow((st) => ({
    items: st.items, total: st.total, offset: st.offset, fileType: st.fileType, status: st.status,
    loading: st.loading, loaded: st.loaded, error: st.error, rowErrors: st.rowErrors, retrying: st.retrying,
  })));
  const { load, setFileType, setStatus, nextPage, prevPage, retry } = useLibrary.getState();
  const openDetail = useDetail((st) => st.open);
  const requestDelete = useDeletion((st) => st.request);

  useEffect(() => {
    void load();
  }, [load]);

  const first = s.total === 0 ? 0 : s.offset + 1;
  const last = Math.min(s.offset + s.items.length, s.total);

  return (
    <section className="view library-view" aria-labelledby="library-heading">
      <div className="view-header">
        <h1 id="library-heading">Library</h1>
        <div className="filters" role="toolbar" aria-label="Library filters">
          <label className="field-inline">
            <span>Type</span>
            <select value={s.fileType} onChange={(e) => setFileType(e.target.value as FileType | '')}>
              <option value="">All types</option>
              {FILE_TYPES.map((t) => <option key={t} value={t}>{TYPE_LABELS[t].many}</option>)}
            </select>
          </label>
          <label className="field-inline">
            <span>Status</span>
            <select value={s.status} onChange={(e) => setStatus(e.target.value as ProcessingStatus | '')}>
              <option value="">Any status</option>
              {PROCESSING_STATUSES.map((st) => <option key={st} value={st}>{STATUS_LABELS[st]}</option>)}
            </select>
          </label>
        </div>
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
            {s.items.map((u) => {
              const cloud = cloudBadge(u.cloud_status, u.keep_local);
              return (
              <tr key={u.id}>
                <td className="cell-thumb">
                  <Thumbnail id={u.id} url={u.thumbnail_url} fileType={u.file_type} pending={u.processing_status === 'pending' || u.processing_status === 'processing'} />
                </td>
                <td className="cell-name">
                  <button type="button" className="link-button" onClick={() => void openDetail(u.id, fromUpload(u, (x) => x))}>{u.filename}</button>
                  {u.processing_status === 'failed' && u.processing_error && <p className="row-error">{u.processing_error.message}</p>}
                  {s.rowErrors[u.id] && <p className="row-error" role="alert">{s.rowErrors[u.id]}</p>}
                </td>
                <td><span className={`badge badge-${u.file_type}`}>{TYPE_LABELS[u.file_type].one}</span></td>
                <td>
                  <div className="cell-status">
                    <span className={`status status-${u.processing_status}`}>{STATUS_LABELS[u.processing_status]}</span>
                    {cloud && <CloudBadge badge={cloud} />}
                  </div>
                </td>
                <td className="num">{formatBytes(u.file_size)}</td>
                <td>{formatDate(u.created_at)}</td>
                <td className="cell-actions">
                  {u.processing_status === 'failed' && (
                    <button type="button" className="button button-small" disabled={s.retrying[u.id]} onClick={() => void retry(u.id)}
                      aria-label={`Retry ${u.filename}`}>
                      <RetryIcon size={14} />Retry
                    </button>
                  )}
                  <button type="button" className="icon-button" aria-label={`Delete ${u.filename}`} title="Delete" onClick={() => requestDelete(u.id, u.filename)}>
                    <TrashIcon size={16} />
                  </button>
                </td>
              </tr>
              );
            })}
          </tbody>
        </table>
        {s.loaded && s.items.length === 0 && !s.loading && (
          <p className="empty-row">{s.fileType || s.status ? 'No files match these filters.' : 'No files yet. Drop some anywhere in this window.'}</p>
        )}
      </div>
      <nav className="pager" aria-label="Pages">
        <span aria-live="polite">{s.total === 0 ? 'No files' : `${first}\u2013${last} of ${s.total}`}</span>
        <button type="button" className="button button-small" onClick={prevPage} disabled={s.offset === 0 || s.loading}>Previous</button>
        <button type="button" className="button button-small" onClick={nextPage} disabled={s.offset + LIBRARY_PAGE_SIZE >= s.total || s.loading}>Next</button>
      </nav>
    </section>
  );
}
