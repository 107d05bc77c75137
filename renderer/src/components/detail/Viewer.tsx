import { useEffect, useRef, useState } from 'react';
import type { SearchMoment } from '../../../../shared/api/schemas.ts';
import type { UploadDetail } from '../../api/client.ts';
import { momentPlace } from '../../lib/moment.ts';
import { drawPdfPage } from '../../lib/pdf-page.ts';
import { mediaKey, useMedia } from '../../stores/media.ts';
import { Thumbnail } from '../Thumbnail.tsx';

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

/** Moves a player to where the search matched once it knows its length (setting it earlier is lost). */
function seekTo(startAt: number | undefined) {
  return startAt === undefined ? undefined : (e: { currentTarget: HTMLMediaElement }) => {
    const media = e.currentTarget;
    if (media.currentTime === 0) media.currentTime = Math.min(startAt, Number.isFinite(media.duration) ? media.duration : startAt);
  };
}

function MediaPlayer({ upload, startAt }: { upload: UploadDetail; startAt?: number | undefined }) {
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
          aria-label={`Video: ${upload.filename}`} onLoadedMetadata={seekTo(startAt)} onError={() => { if (!usePreview) setUsePreview(true); }} />
        {usePreview && <p className="hint">Showing the 30-second preview; download the file to watch all of it.</p>}
      </div>
    );
  }
  return (
    <div className="player player-audio">
      <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType="audio" className="waveform" />
      <audio src={original ?? undefined} controls preload="metadata" aria-label={`Audio: ${upload.filename}`} onLoadedMetadata={seekTo(startAt)} />
    </div>
  );
}

/** CSS pixels a PDF page is drawn at in the detail view. */
const PDF_PAGE_WIDTH = 560;

/**
 * The page of a PDF the search matched, drawn from the original (lib/pdf-page.ts); the first page's
 * thumbnail while it loads and wherever it cannot be drawn (the link is refused, the PDF is damaged).
 */
function PdfPage({ upload, page }: { upload: UploadDetail; page: number }) {
  const [url, refresh] = useFileUrl(upload.id, 'download');
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState<{ page: number; pages: number } | 'failed' | null>(null);
  /** 1 after a failure: one more try, with a fresh link (an expired one is the usual cause). */
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    const target = canvas.current;
    if (!url || !target) return;
    const controller = new AbortController();
    setDrawn(null);
    drawPdfPage(target, url, page, PDF_PAGE_WIDTH, controller.signal).then((d) => {
      if (!controller.signal.aborted) setDrawn(d);
    }, () => {
      if (controller.signal.aborted) return;
      if (attempt === 0) {
        refresh();
        setAttempt(1);
      } else setDrawn('failed');
    });
    return () => controller.abort();
    // Only the link, the page and the attempt decide what is drawn (refresh is a new function each render).
  }, [url, page, attempt]);
  const failed = drawn === 'failed';
  const shown = drawn !== null && drawn !== 'failed';
  return (
    <figure className="document-page pdf-page">
      {!shown && <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType="document" />}
      {!failed && <canvas ref={canvas} hidden={!shown} data-page={shown ? drawn.page : undefined} aria-label={`Page ${page} of ${upload.filename}`} />}
      <figcaption>{shown ? `Page ${drawn.page} of ${drawn.pages}` : failed ? 'First page (this page could not be drawn here; download the file to read it)' : `Opening page ${page}\u2026`}</figcaption>
    </figure>
  );
}

function DocumentViewer({ upload, page }: { upload: UploadDetail; page?: SearchMoment | undefined }) {
  const atPage = page?.page !== undefined && upload.mime_type === 'application/pdf' ? page.page : undefined;
  return (
    <div className="document-viewer">
      {atPage !== undefined ? <PdfPage upload={upload} page={atPage} /> : (
        <figure className="document-page">
          <Thumbnail id={upload.id} url={upload.thumbnail_url} fileType="document" />
          <figcaption>First page</figcaption>
        </figure>
      )}
      {page?.page !== undefined && (
        <p className="document-moment"><strong>Found on {momentPlace(page)}:</strong> “{page.text}”</p>
      )}
    </div>
  );
}

/**
 * The file itself, by type: the picture, a player, the first page; or why it cannot be shown yet.
 * Opened from a search hit with a `moment`, a player starts where the words were heard and a
 * PDF opens at the page they are on (drawn in the page), naming it.
 */
export function Viewer({ upload, moment }: { upload: UploadDetail; moment?: SearchMoment | undefined }) {
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
    case 'audio': return <MediaPlayer upload={upload} startAt={moment?.start_s} />;
    case 'document': return <DocumentViewer upload={upload} page={moment} />;
  }
}
