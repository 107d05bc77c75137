import { FILE_TYPES, PROCESSING_STATUSES, type FileType, type ProcessingStatus } from '../../../../shared/file-types.ts';
import { TYPE_LABELS } from '../../lib/items.ts';
import { useLibrary } from '../../stores/library.ts';
import { STATUS_LABELS } from './status-labels.ts';

/** The library's type and status filters. */
export function LibraryFilters() {
  const fileType = useLibrary((s) => s.fileType);
  const status = useLibrary((s) => s.status);
  const { setFileType, setStatus } = useLibrary.getState();
  return (
    <div className="filters" role="toolbar" aria-label="Library filters">
      <label className="field-inline">
        <span>Type</span>
        <select value={fileType} onChange={(e) => setFileType(e.target.value as FileType | '')}>
          <option value="">All types</option>
          {FILE_TYPES.map((t) => <option key={t} value={t}>{TYPE_LABELS[t].many}</option>)}
        </select>
      </label>
      <label className="field-inline">
        <span>Status</span>
        <select value={status} onChange={(e) => setStatus(e.target.value as ProcessingStatus | '')}>
          <option value="">Any status</option>
          {PROCESSING_STATUSES.map((st) => <option key={st} value={st}>{STATUS_LABELS[st]}</option>)}
        </select>
      </label>
    </div>
  );
}
