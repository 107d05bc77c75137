import { memo } from 'react';
import type { UploadItem } from '../../bridge/upload-item.ts';
import { formatBytes, guessTypeFromName } from '../../lib/items.ts';
import { useUploads } from '../../stores/uploads.ts';
import { AlertIcon, CheckIcon, CloseIcon, LockIcon, RetryIcon, TypeIcon } from '../Icons.tsx';
import { ArchiveEntries } from './ArchiveEntries.tsx';
import { describeItem } from './describe-item.ts';

/** One file in the panel: thumbnail, name, state in words, its bar, and retry or cancel. */
export const UploadRow = memo(function UploadRow({ item }: { item: UploadItem }) {
  const stage = useUploads((s) => (item.uploadId ? s.stages[item.uploadId] : undefined));
  const { cancel, retry } = useUploads.getState();
  const view = describeItem(item, stage);
  return (
    <li className={`upload-row tone-${view.tone}`} aria-label={`${item.name}: ${view.label}${item.keepLocal ? ' (kept on this device)' : ''}`}>
      <div className={`upload-thumb type-${guessTypeFromName(item.name)}`} aria-hidden="true">
        {item.thumbnail ? <img src={item.thumbnail} alt="" /> : <TypeIcon type={guessTypeFromName(item.name)} size={18} />}
      </div>
      <div className="upload-body">
        <div className="upload-line">
          <span className="upload-name" title={item.path}>{item.name}</span>
          {item.keepLocal && <span className="upload-local" title="Kept on this device: no cloud AI model sees it"><LockIcon size={12} />On this device</span>}
          <span className="upload-size">{formatBytes(item.size)}</span>
        </div>
        <div className="upload-state">
          {view.tone === 'success' && <CheckIcon size={14} />}
          {view.tone === 'error' && <AlertIcon size={14} />}
          <span>{view.label}</span>
        </div>
        {item.state === 'failed' && item.error?.action && <p className="upload-action">{item.error.action}</p>}
        {item.batchId && <ArchiveEntries batchId={item.batchId} name={item.name} />}
        {view.bar !== null && (
          <div className="bar" role="progressbar" aria-label={`Progress of ${item.name}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={view.bar}>
            <div className="bar-fill" style={{ width: `${view.bar}%` }} />
          </div>
        )}
      </div>
      <div className="upload-actions">
        {view.canRetry && (
          <button type="button" className="icon-button" aria-label={`Retry ${item.name}`} title="Retry" onClick={() => void retry(item.id)}>
            <RetryIcon size={16} />
          </button>
        )}
        {view.canCancel && (
          <button type="button" className="icon-button" aria-label={`Cancel ${item.name}`} title="Cancel" onClick={() => void cancel(item.id)}>
            <CloseIcon size={16} />
          </button>
        )}
      </div>
    </li>
  );
});
