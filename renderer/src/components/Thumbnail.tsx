import { useEffect, useState } from 'react';
import type { FileType } from '../../../shared/file-types.ts';
import { useMedia } from '../stores/media.ts';
import { TypeIcon } from './Icons.tsx';

interface ThumbnailProps {
  id: string;
  url: string | null;
  fileType: FileType;
  className?: string;
  /** Shown instead of the type icon while there is no thumbnail yet. */
  pending?: boolean;
}

/**
 * A file's thumbnail from its signed link. Links expire after 5 minutes: when the image fails, a
 * fresh link is asked for once; after that the type icon stands in.
 */
export function Thumbnail({ id, url, fileType, className, pending }: ThumbnailProps) {
  const [src, setSrc] = useState(url);
  const [refreshed, setRefreshed] = useState(false);
  const [failed, setFailed] = useState(false);

  useEffect(() => {
    setSrc(url);
    setRefreshed(false);
    setFailed(false);
  }, [url]);

  const onError = () => {
    if (refreshed) {
      setFailed(true);
      return;
    }
    setRefreshed(true);
    void useMedia.getState().resolve(id, 'thumbnail', { fresh: true }).then((fresh) => {
      if (fresh) setSrc(fresh);
      else setFailed(true);
    });
  };

  if (!src || failed) {
    return (
      <div className={`thumb thumb-placeholder type-${fileType} ${className ?? ''}`}>
        {pending ? <span className="spinner" aria-hidden="true" /> : <TypeIcon type={fileType} size={34} />}
      </div>
    );
  }
  return (
    <div className={`thumb type-${fileType} ${className ?? ''}`}>
      <img src={src} alt="" loading="lazy" decoding="async" draggable={false} onError={onError} />
    </div>
  );
}
