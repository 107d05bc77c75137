import { useShallow } from 'zustand/react/shallow';
import type { UploadItem } from '../bridge/upload-item.ts';
import { useSession } from '../stores/session.ts';
import { uploadTotals, useUploads, type UploadTotals } from '../stores/uploads.ts';
import { ChevronDownIcon, ChevronUpIcon, PauseIcon, PlayIcon } from './Icons.tsx';
import { UploadRow } from './uploads/UploadRow.tsx';

/** How many rows the panel lists; the rest are counted. */
const MAX_ROWS = 200;

/** Newest first, but anything still moving or failed ahead of finished ones. */
const rank = (i: UploadItem) => (i.state === 'failed' ? 0 : i.state === 'uploading' || i.state === 'processing' || i.state === 'hashing' ? 1 : i.state === 'queued' || i.state === 'paused' ? 2 : 3);

/** The uploads panel at the bottom: a summary with the total bar; opened, the tools and one row per file. */
export function UploadPanel() {
  const { items, order, panelOpen, error } = useUploads(useShallow((s) => ({ items: s.items, order: s.order, panelOpen: s.panelOpen, error: s.error })));
  if (order.length === 0) return null;

  const totals = uploadTotals({ items, order });
  const rows = order.map((id) => items[id]).filter((i): i is UploadItem => i !== undefined)
    .map((item, pos) => ({ item, pos }))
    .sort((a, b) => rank(a.item) - rank(b.item) || b.pos - a.pos)
    .slice(0, MAX_ROWS);

  return (
    <aside className={`upload-panel${panelOpen ? ' is-open' : ''}`} aria-label="Uploads">
      <PanelHeader totals={totals} open={panelOpen} />
      {panelOpen && (
        <>
          <PanelTools totals={totals} />
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

/** The panel's always-visible part: opens and closes it, says how far along everything is. */
function PanelHeader({ totals, open }: { totals: UploadTotals; open: boolean }) {
  const setPanelOpen = useUploads((s) => s.setPanelOpen);
  const summary = totals.active > 0
    ? `${totals.completed + totals.duplicate} of ${totals.total - totals.cancelled} done`
    : totals.failed > 0 ? `${totals.failed} failed` : 'All done';
  return (
    <div className="upload-panel-header">
      <button type="button" className="upload-panel-toggle" aria-expanded={open} aria-controls="upload-list" onClick={() => setPanelOpen(!open)}>
        <span className="upload-panel-title">Uploads</span>
        <span className="upload-panel-summary">{summary}</span>
        {open ? <ChevronDownIcon size={18} /> : <ChevronUpIcon size={18} />}
      </button>
      <div className="bar bar-total" role="progressbar" aria-label="Total upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={totals.percent}>
        <div className={`bar-fill${totals.failed > 0 && totals.active === 0 ? ' is-error' : ''}`} style={{ width: `${totals.percent}%` }} />
      </div>
    </div>
  );
}

/** Pause or resume everything, clear what is finished, and the counts. */
function PanelTools({ totals }: { totals: UploadTotals }) {
  const paused = useUploads((s) => s.paused);
  const canPause = useSession((s) => s.bridgeKind !== null);
  const { pauseAll, resumeAll, clearFinished } = useUploads.getState();
  const finished = totals.completed + totals.duplicate + totals.cancelled + totals.failed;
  return (
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
  );
}
