import { memo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { UploadItem } from '../bridge/upload-item.ts';
import { formatBytes, formatStage, guessTypeFromName } from '../lib/items.ts';
import { useSession } from '../stores/session.ts';
import { uploadTotals, useUploads } from '../stores/uploads.ts';
import { AlertIcon, CheckIcon, ChevronDownIcon, ChevronUpIcon, CloseIcon, LockIcon, PauseIcon, PlayIcon, RetryIcon, TypeIcon } from './Icons.tsx';

/** How many rows the panel lists; the rest are counted. */
const MAX_ROWS = 200;

export interface ItemView {
  label: string;
  tone: 'neutral' | 'active' | 'success' | 'error';
  /** 0–100 for the bar, null for no bar. */
  bar: number | null;
  canCancel: boolean;
  canRetry: boolean;
}

/** The words and bar for one upload in the state it is in. */
export function describeItem(item: UploadItem, stage?: { stage: string | null; progress: number }): ItemView {
  switch (item.state) {
    case 'queued': return { label: 'Queued', tone: 'neutral', bar: 0, canCancel: true, canRetry: false };
    case 'paused': return { label: 'Paused', tone: 'neutral', bar: item.progress, canCancel: true, canRetry: false };
    case 'hashing': return { label: `Checking ${item.progress} %`, tone: 'active', bar: item.progress, canCancel: true, canRetry: false };
    case 'uploading': return { label: `Uploading ${item.progress} %`, tone: 'active', bar: item.progress, canCancel: true, canRetry: false };
    case 'processing': {
      const s = item.stage ?? stage?.stage ?? null;
      const progress = Math.max(item.progress, stage?.progress ?? 0);
      const shown = s && s !== 'queued' ? ` \u00b7 ${formatStage(s)}` : s === 'queued' ? ' \u00b7 Waiting' : '';
      return { label: `Processing ${progress} %${shown}`, tone: 'active', bar: progress, canCancel: false, canRetry: false };
    }
    case 'completed': return { label: 'Completed', tone: 'success', bar: null, canCancel: false, canRetry: false };
    case 'duplicate': return { label: 'Already in your Trove', tone: 'success', bar: null, canCancel: false, canRetry: false };
    case 'cancelled': return { label: 'Cancelled', tone: 'neutral', bar: null, canCancel: false, canRetry: true };
    case 'failed': return { label: `Failed: ${item.error?.message ?? 'unknown error'}`, tone: 'error', bar: null, canCancel: false, canRetry: true };
  }
}

const UploadRow = memo(function UploadRow({ item }: { item: UploadItem }) {
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

export function UploadPanel() {
  const { items, order, panelOpen, paused, error } = useUploads(useShallow((s) => ({
    items: s.items, order: s.order, panelOpen: s.panelOpen, paused: s.paused, error: s.error,
  })));
  const canPause = useSession((s) => s.bridgeKind !== null);
  const { setPanelOpen, pauseAll, resumeAll, clearFinished } = useUploads.getState();
  if (order.length === 0) return null;

  const totals = uploadTotals({ items, order });
  const finished = totals.completed + totals.duplicate + totals.cancelled + totals.failed;
  const summary = totals.active > 0
    ? `${totals.completed + totals.duplicate} of ${totals.total - totals.cancelled} done`
    : totals.failed > 0 ? `${totals.failed} failed` : 'All done';
  // Newest first, but anything still moving or failed ahead of finished ones.
  const rank = (i: UploadItem) => (i.state === 'failed' ? 0 : i.state === 'uploading' || i.state === 'processing' || i.state === 'hashing' ? 1 : i.state === 'queued' || i.state === 'paused' ? 2 : 3);
  const rows = order.map((id) => items[id]).filter((i): i is UploadItem => i !== undefined)
    .map((item, pos) => ({ item, pos }))
    .sort((a, b) => rank(a.item) - rank(b.item) || b.pos - a.pos)
    .slice(0, MAX_ROWS);

  return (
    <aside className={`upload-panel${panelOpen ? ' is-open' : ''}`} aria-label="Uploads">
      <div className="upload-panel-header">
        <button type="button" className="upload-panel-toggle" aria-expanded={panelOpen} aria-controls="upload-list" onClick={() => setPanelOpen(!panelOpen)}>
          <span className="upload-panel-title">Uploads</span>
          <span className="upload-panel-summary">{summary}</span>
          {panelOpen ? <ChevronDownIcon size={18} /> : <ChevronUpIcon size={18} />}
        </button>
        <div className="bar bar-total" role="progressbar" aria-label="Total upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={totals.percent}>
          <div className={`bar-fill${totals.failed > 0 && totals.active === 0 ? ' is-error' : ''}`} style={{ width: `${totals.percent}%` }} />
        </div>
      </div>
      {panelOpen && (
        <>
          <div className="upload-panel-tools">
            {canPause && totals.active > 0 && (paused ? (
              <button type="button" className="button button-small" onClick={() => void resumeAll()}><PlayIcon size={14} />Resume all</button>
            ) : (
              <button type="button" className="button button-small" onClick={() => void pauseAll()}><PauseIcon size={14} />Pause all</button>
            ))}
            {finished > 0 && <button type="button" className="button button-small" onClick={() => void clearFinished()}>Clear finished</button>}
            <span className="upload-panel-counts" aria-live="polite">
              {totals.completed} completed{totals.duplicate > 0 ? ` \u00b7 ${totals.duplicate} already there` : ''}{totals.failed > 0 ? ` \u00b7 ${totals.failed} failed` : ''}
            </span>
          </div>
          {error && <p className="form-error" role="alert">{error}</p>}
          <ul id="upload-list" className="upload-list">
            {rows.map(({ item }) => <UploadRow key={item.id} item={item} />)}
          </ul>
          {order.length > rows.length && <p className="upload-more">and {order.length - rows.length} more</p>}
        </>
      )}
    </aside>
  );
}
