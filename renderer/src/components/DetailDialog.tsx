import { TYPE_LABELS } from '../lib/items.ts';
import { useDeletion } from '../stores/deletion.ts';
import { localPathOf, useDetail } from '../stores/detail.ts';
import { useSession } from '../stores/session.ts';
import { AiFacts } from './AiFacts.tsx';
import { DetailActions } from './detail/DetailActions.tsx';
import { FileFacts } from './detail/FileFacts.tsx';
import { Viewer } from './detail/Viewer.tsx';
import { MatchReasonDetail } from './search/MatchReason.tsx';
import { CloseIcon, TypeIcon } from './Icons.tsx';
import { Modal } from './Modal.tsx';
import { UserNotes } from './organize/UserNotes.tsx';
import { useOrganize } from '../stores/organize.ts';

/** One file, opened: the file itself beside what Trove knows about it, and what can be done with it. */
export function DetailDialog() {
  const { openId, hint, upload, loading, error, actionError } = useDetail();
  const electron = useSession((s) => s.bridgeKind === 'electron');
  const deleting = useDeletion((s) => s.pending !== null);
  const close = useDetail((s) => s.close);
  const hideAnalyzerTags = useOrganize((s) => s.hideAnalyzerTags);

  if (!openId) return null;
  const filename = upload?.filename ?? hint?.filename ?? 'File';
  const fileType = upload?.file_type ?? hint?.fileType ?? 'document';
  const localPath = electron ? localPathOf(upload) : null;

  return (
    <Modal onClose={() => { if (!deleting) close(); }} labelledBy="detail-title" className="modal-detail">
      <header className="detail-header">
        <span className={`badge badge-${fileType}`}><TypeIcon type={fileType} size={14} />{TYPE_LABELS[fileType].one}</span>
        <h2 id="detail-title" title={filename}>{filename}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={close}><CloseIcon /></button>
      </header>
      <div className="detail-body">
        <div className="detail-media">
          {upload ? <Viewer upload={upload} moment={hint?.moment} /> : (
            <div className="viewer-pending">{loading ? <span className="spinner" aria-label="Loading" /> : null}</div>
          )}
        </div>
        <div className="detail-info">
          {error && <p className="form-error" role="alert">{error}</p>}
          {actionError && <p className="form-error" role="alert">{actionError}</p>}
          <DetailActions id={openId} filename={filename} localPath={localPath} />
          {hint?.reason && hint.reason.by !== 'filters' && <MatchReasonDetail reason={hint.reason} />}
          {upload?.summary && (
            <section aria-labelledby="detail-summary">
              <h3 id="detail-summary">Summary</h3>
              <p className="detail-summary">{upload.summary}</p>
            </section>
          )}
          {upload && <UserNotes upload={upload} />}
          {upload && <AiFacts upload={upload} />}
          {upload && upload.tags.length > 0 && !hideAnalyzerTags && (
            <section aria-labelledby="detail-tags">
              <h3 id="detail-tags">Tags</h3>
              <ul className="tag-list">{upload.tags.map((t) => <li key={t} className="tag">{t}</li>)}</ul>
            </section>
          )}
          {upload && <FileFacts upload={upload} localPath={localPath} />}
          {upload?.extracted_text && (
            <section aria-labelledby="detail-text">
              <h3 id="detail-text">{upload.file_type === 'document' ? 'Text' : 'Text found in the file'}</h3>
              <pre className="extracted-text" tabIndex={0}>{upload.extracted_text}</pre>
            </section>
          )}
        </div>
      </div>
    </Modal>
  );
}
