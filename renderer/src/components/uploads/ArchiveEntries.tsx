import { useEffect, useId, useState } from 'react';
import type { BatchEntry } from '../../../../shared/api/schemas.ts';
import { useBatches } from '../../stores/batches.ts';

const STATE_WORDS: Record<BatchEntry['state'], string> = {
  queued: 'Queued', processing: 'Processing', done: 'Done', duplicate: 'Already in your Trove', skipped: 'Skipped', failed: 'Failed',
};

/**
 * A .zip in the upload panel: the totals of its entries as the server reads and processes them,
 * and a toggle that opens the list of entries, each with its state, progress and — when skipped or
 * failed — the reason.
 */
export function ArchiveEntries({ batchId, name }: { batchId: string; name: string }) {
  const batch = useBatches((s) => s.byId[batchId]);
  const error = useBatches((s) => s.errors[batchId]);
  const [open, setOpen] = useState(false);
  const listId = useId();
  useEffect(() => {
    void useBatches.getState().load(batchId);
  }, [batchId]);

  if (!batch) return <p className="archive-summary">{error ? `Could not read the archive's entries: ${error}` : 'Unpacking…'}</p>;
  const t = batch.totals;
  const parts = [
    `${t.done} done`, t.queued + t.processing > 0 ? `${t.queued + t.processing} in progress` : '',
    t.duplicate ? `${t.duplicate} already in your Trove` : '', t.skipped ? `${t.skipped} skipped` : '', t.failed ? `${t.failed} failed` : '',
  ].filter(Boolean);
  return (
    <div className="archive">
      <p className="archive-summary">
        {batch.state === 'extracting' ? 'Unpacking' : 'Unpacked'} {t.entries} {t.entries === 1 ? 'entry' : 'entries'}: {parts.join(', ')}
        {batch.damage && <span className="archive-damage"> — {batch.damage.message}</span>}
      </p>
      <button type="button" className="link-button" aria-expanded={open} aria-controls={listId} onClick={() => setOpen(!open)}>
        {open ? 'Hide entries' : `Show entries of ${name}`}
      </button>
      {open && (
        <ul id={listId} className="archive-entries" aria-label={`Entries of ${name}`}>
          {batch.entries.map((e) => (
            <li key={e.position} className={`archive-entry entry-${e.state}`} aria-label={`${e.path}: ${STATE_WORDS[e.state]}`}>
              <span className="archive-entry-path" title={e.path}>{e.path}</span>
              <span className="archive-entry-state">{STATE_WORDS[e.state]}{e.state === 'processing' ? ` ${e.progress} %` : ''}</span>
              {e.reason && (e.state === 'skipped' || e.state === 'failed') && <span className="archive-entry-reason">{e.reason.message}</span>}
              {e.state === 'processing' && (
                <div className="bar" role="progressbar" aria-label={`Progress of ${e.path}`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={e.progress}>
                  <div className="bar-fill" style={{ width: `${e.progress}%` }} />
                </div>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
