import { useEffect } from 'react';
import { filesOfDrop } from '../lib/dropped-folders.ts';
import { useUploadOptions } from '../stores/upload-options.ts';
import { useUploads } from '../stores/uploads.ts';
import { LockIcon, UploadIcon } from './Icons.tsx';

function carriesFiles(e: DragEvent): boolean {
  return !!e.dataTransfer && [...e.dataTransfer.types].includes('Files');
}

/**
 * The whole window is a drop target: dragging files over it shows where they will go, dropping
 * them queues them; a dropped folder is walked, its files keeping their folders. Drags of anything
 * else (text, links) are left alone.
 */
export function DropZone() {
  const dragging = useUploads((s) => s.dragging);
  const keepLocal = useUploadOptions((s) => s.keepLocal);

  useEffect(() => {
    let depth = 0;
    const { setDragging, addFiles } = useUploads.getState();
    const enter = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth += 1;
      setDragging(true);
    };
    const over = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
    };
    const leave = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      // Enter/leave pairs nest as the pointer crosses elements; zero means it left the window.
      depth = Math.max(0, depth - 1);
      if (depth === 0) setDragging(false);
    };
    const drop = (e: DragEvent) => {
      if (!carriesFiles(e)) return;
      e.preventDefault();
      depth = 0;
      setDragging(false);
      // Dropped folders are walked, each file keeping the folder it was in (sent as metadata.folder).
      if (!e.dataTransfer) return;
      void filesOfDrop(e.dataTransfer).then((files) => {
        if (files.length > 0) void addFiles(files);
      });
    };
    window.addEventListener('dragenter', enter);
    window.addEventListener('dragover', over);
    window.addEventListener('dragleave', leave);
    window.addEventListener('drop', drop);
    return () => {
      window.removeEventListener('dragenter', enter);
      window.removeEventListener('dragover', over);
      window.removeEventListener('dragleave', leave);
      window.removeEventListener('drop', drop);
    };
  }, []);

  return (
    <div className={`drop-overlay${dragging ? ' is-visible' : ''}`} aria-hidden={!dragging} data-testid="drop-overlay">
      <div className="drop-target">
        <UploadIcon size={44} />
        <p className="drop-title">Drop to add to your Trove</p>
        <p className="drop-sub">Images, videos, audio and documents</p>
        {keepLocal && <p className="drop-local"><LockIcon size={14} />Kept on this device: no cloud AI model will see them</p>}
      </div>
      <p className="visually-hidden" role="status">{dragging ? `Drop the files to add them to your Trove${keepLocal ? ', kept on this device' : ''}.` : ''}</p>
    </div>
  );
}
