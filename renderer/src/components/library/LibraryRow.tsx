import type { Upload } from '../../../../shared/api/schemas.ts';
import { cloudBadge } from '../../lib/cloud.ts';
import { TYPE_LABELS, formatBytes, formatDate, fromUpload } from '../../lib/items.ts';
import { useDeletion } from '../../stores/deletion.ts';
import { useDetail } from '../../stores/detail.ts';
import { useLibrary } from '../../stores/library.ts';
import { useSelection } from '../../stores/selection.ts';
import { CloudBadge } from '../CloudBadge.tsx';
import { RetryIcon, TrashIcon } from '../Icons.tsx';
import { Thumbnail } from '../Thumbnail.tsx';
import { STATUS_LABELS } from './status-labels.ts';

interface LibraryRowProps {
  upload: Upload;
  selected: boolean;
  /** The page's ids in order, for a Shift-click range. */
  order: readonly string[];
}

/** One file in the library table: its checkbox, preview, name (opens it), type, status, size, date, retry and delete. */
export function LibraryRow({ upload: u, selected, order }: LibraryRowProps) {
  const rowError = useLibrary((s) => s.rowErrors[u.id]);
  const retrying = useLibrary((s) => s.busy[u.id]);
  const retry = useLibrary((s) => s.retry);
  const openDetail = useDetail((s) => s.open);
  const requestDelete = useDeletion((s) => s.request);
  const cloud = cloudBadge(u.cloud_status, u.keep_local);
  return (
    <tr className={selected ? 'is-selected' : undefined}>
      <td className="cell-check">
        <input type="checkbox" checked={selected} aria-label={`Select ${u.filename}`} onChange={() => undefined}
          onClick={(e) => {
            const sel = useSelection.getState();
            if (e.shiftKey) sel.selectRange('library', order, u.id);
            else sel.toggle('library', u.id);
          }} />
      </td>
      <td className="cell-thumb">
        <Thumbnail id={u.id} url={u.thumbnail_url} fileType={u.file_type} pending={u.processing_status === 'pending' || u.processing_status === 'processing'} />
      </td>
      <td className="cell-name">
        <button type="button" className="link-button" onClick={() => void openDetail(u.id, fromUpload(u, (x) => x))}>{u.filename}</button>
        {u.processing_status === 'failed' && u.processing_error && <p className="row-error">{u.processing_error.message}</p>}
        {rowError && <p className="row-error" role="alert">{rowError}</p>}
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
          <button type="button" className="button button-small" disabled={retrying} onClick={() => void retry(u.id)}
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
}
