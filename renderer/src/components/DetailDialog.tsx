import { useEffect, useState } from 'react';
import type { UploadDetail } from '../api/client.ts';
import { TYPE_LABELS, formatBytes, formatDate } from '../lib/items.ts';
import { useDeletion } from '../stores/deletion.ts';
import { localPathOf, useDetail } from '../stores/detail.ts';
import { mediaKey, useMedia } from '../stores/media.ts';
import { useSession } from '../stores/session.ts';
import { AiFacts } from './AiFacts.tsx';
import { CloseIcon, DownloadIcon, ExternalIcon, FolderIcon, SparkleIcon, TrashIcon, TypeIcon } from './Icons.tsx';
import { Modal } from './Modal.tsx';
import { Thumbnail } from './Thumbnail.tsx';

/** A signed link for one variant, asked for when shown. */
function useFileUrl(id: string, variant: 'thumbnail' | 'preview' | 'download', enabled = true): [string | null, () => void] {
  const url = useMedia((s) => s.urls[mediaKey(id, variant)] ?? null);
  useEffect(() => {
    if (enabled) void useMedia.getState().resolve(id, variant);
  }, [id, variant, enabled]);
  const refresh = () => void useMedia.getState().resolve(id, variant, { fresh: true });
  return [enabled ? url : null, refresh];
}

function ImageViewer({ upload }: { upload: UploadDetail }) {
  const [original, refreshOriginal] = useFileUrl(upload.id, 'download');
  const [fallback, setFallback] = useState(false);
  const [actualSize, setActualSize] = useState(false);
  const [retried, setRetried] = useState(false);
  if (fallback || !original) return <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType="image" className="viewer-thumb" />;
  return (
    <button type="button" className={`image-viewer${actualSize ? ' is-actual' : ''}`} aria-label={actualSize ? 'Fit image to window' : 'Show image at actual size'}
      onClick={() => setActualSize(!actualSize)}>
      <img src={original} alt={upload.summary ?? upload.filename} onError={() => {
        // An expired link gets one fresh try; a format the browser cannot show falls back to the thumbnail.
        if (!retried) {
          setRetried(true);
          refreshOriginal();
        } else setFallback(true);
      }} />
    </button>
  );
}

function MediaPlayer({ upload }: { upload: UploadDetail }) {
  const video = upload.file_type === 'video';
  const [original] = useFileUrl(upload.id, 'download');
  const [usePreview, setUsePreview] = useState(false);
  const [preview] = useFileUrl(upload.id, 'preview', video && usePreview);
  const [thumb] = useFileUrl(upload.id, 'thumbnail', upload.thumbnail_url !== null);
  const src = usePreview ? preview : original;
  if (video) {
    return (
      <div className="player">
        {/* A container the browser cannot play (MKV, AVI) falls back to the 30-second preview. */}
        <video key={src ?? 'none'} src={src ?? undefined} controls preload="metadata" poster={thumb ?? undefined}
          aria-label={`Video: ${upload.filename}`} onError={() => { if (!usePreview) setUsePreview(true); }} />
        {usePreview && <p className="hint">Showing the 30-second preview; download the file to watch all of it.</p>}
      </div>
    );
  }
  return (
    <div className="player player-audio">
      <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType="audio" className="waveform" />
      <audio src={original ?? undefined} controls preload="metadata" aria-label={`Audio: ${upload.filename}`} />
    </div>
  );
}

function DocumentViewer({ upload }: { upload: UploadDetail }) {
  return (
    <div className="document-viewer">
      <figure className="document-page">
        <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType="document" />
        <figcaption>First page</figcaption>
      </figure>
    </div>
  );
}

function Viewer({ upload }: { upload: UploadDetail }) {
  if (upload.processing_status !== 'completed') {
    return (
      <div className="viewer-pending">
        <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType={upload.file_type} pending={upload.processing_status !== 'failed'} />
        <p>{upload.processing_status === 'failed' ? `Processing failed: ${upload.processing_error?.message ?? ''}` : 'Trove is still reading this file\u2026'}</p>
      </div>
    );
  }
  switch (upload.file_type) {
    case 'image': return <ImageViewer upload={upload} />;
    case 'video':
    case 'audio': return <MediaPlayer upload={upload} />;
    case 'document': return <DocumentViewer upload={upload} />;
  }
}

/** Metadata worth showing: flat values, one level of nesting, no huge blobs. */
function metadataRows(meta: Record<string, unknown>): [string, string][] {
  const rows: [string, string][] = [];
  const push = (key: string, value: unknown) => {
    if (value === null || value === undefined || value === '') return;
    if (typeof value === 'object') {
      if (Array.isArray(value)) {
        if (value.every((v) => typeof v !== 'object')) push(key, value.join(', '));
        return;
      }
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (typeof v !== 'object') push(`${key} \u203a ${k}`, v);
      return;
    }
    const text = typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
    if (text === '') return;
    rows.push([humanize(key), text.length > 200 ? `${text.slice(0, 200)}\u2026` : text]);
  };
  for (const [k, v] of Object.entries(meta)) push(k, v);
  return rows.slice(0, 60);
}

function Fact({ label, value }: { label: string; value: string }) {
  return <div className="facts-row"><dt>{label}</dt><dd>{value}</dd></div>;
}

function humanize(key: string): string {
  const spaced = key.replace(/_/g, ' ').replace(/([a-z])([A-Z])/g, '$1 $2');
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

export function DetailDialog() {
  const { openId, hint, upload, loading, error, actionError, similar } = useDetail();
  const electron = useSession((s) => s.bridgeKind === 'electron');
  const requestDelete = useDeletion((s) => s.request);
  const deleting = useDeletion((s) => s.pending !== null);
  const { close, download, findSimilar, reveal, openLocally } = useDetail.getState();

  if (!openId) return null;
  const filename = upload?.filename ?? hint?.filename ?? 'File';
  const fileType = upload?.file_type ?? hint?.fileType ?? 'document';
  const localPath = electron ? localPathOf(upload) : null;
  const meta = upload ? metadataRows(upload.metadata) : [];

  return (
    <Modal onClose={() => { if (!deleting) close(); }} labelledBy="detail-title" className="modal-detail">
      <header className="detail-header">
        <span className={`badge badge-${fileType}`}><TypeIcon type={fileType} size={14} />{TYPE_LABELS[fileType].one}</span>
        <h2 id="detail-title" title={filename}>{filename}</h2>
        <button type="button" className="icon-button" aria-label="Close" onClick={close}><CloseIcon /></button>
      </header>
      <div className="detail-body">
        <div className="detail-media">
          {upload ? <Viewer upload={upload} /> : (
            <div className="viewer-pending">{loading ? <span className="spinner" aria-label="Loading" /> : null}</div>
          )}
        </div>
        <div className="detail-info">
          {error && <p className="form-error" role="alert">{error}</p>}
          {actionError && <p className="form-error" role="alert">{actionError}</p>}
          <div className="detail-actions" role="group" aria-label="File actions">
            <button type="button" className="button button-primary" onClick={() => void download()} disabled={!upload}>
              <DownloadIcon size={16} />Download
            </button>
            {similar && similar.length > 0 && (
              <button type="button" className="button" onClick={findSimilar}><SparkleIcon size={16} />Find similar</button>
            )}
            {localPath && (
              <>
                <button type="button" className="button" onClick={() => void reveal()}><FolderIcon size={16} />Show in folder</button>
                <button type="button" className="button" onClick={() => void openLocally()}><ExternalIcon size={16} />Open</button>
              </>
            )}
            <button type="button" className="button button-danger-quiet" onClick={() => requestDelete(openId, filename)}>
              <TrashIcon size={16} />Delete
            </button>
          </div>
          {upload?.summary && (
            <section aria-labelledby="detail-summary">
              <h3 id="detail-summary">Summary</h3>
              <p className="detail-summary">{upload.summary}</p>
            </section>
          )}
          {upload && <AiFacts upload={upload} />}
          {upload && upload.tags.length > 0 && (
            <section aria-labelledby="detail-tags">
              <h3 id="detail-tags">Tags</h3>
              <ul className="tag-list">{upload.tags.map((t) => <li key={t} className="tag">{t}</li>)}</ul>
            </section>
          )}
          {upload && (
            <section aria-labelledby="detail-facts">
              <h3 id="detail-facts">Details</h3>
              <dl className="facts">
                <Fact label="Size" value={formatBytes(upload.file_size)} />
                <Fact label="Format" value={upload.mime_type} />
                <Fact label="Added" value={formatDate(upload.created_at, true)} />
                <Fact label="Status" value={upload.processing_status} />
                {localPath && <Fact label="On this computer" value={localPath} />}
                {meta.map(([k, v]) => <Fact key={k} label={k} value={v} />)}
              </dl>
            </section>
          )}
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
