import { useRef } from 'react';
import { useSession } from '../stores/session.ts';
import { useUploads } from '../stores/uploads.ts';
import { UploadIcon } from './Icons.tsx';

/** Accepted at the picker; the server decides from the bytes anyway. */
const ACCEPT = 'image/*,video/*,audio/*,.pdf,.docx,.txt,.md,.markdown,.mkv,.avi,.flac,.opus,.m4a,.zip,application/zip';

/**
 * "Browse…": the desktop app's native picker, or the browser's file input.
 */
export function BrowseButton({ onFiles, primary = false, label = 'Browse\u2026' }: { onFiles: (files: File[]) => void; primary?: boolean; label?: string }) {
  const kind = useSession((s) => s.bridgeKind);
  const browseNative = useUploads((s) => s.browse);
  const input = useRef<HTMLInputElement>(null);
  const className = `button${primary ? ' button-primary' : ''}`;

  if (kind === 'electron') {
    return (
      <button type="button" className={className} onClick={() => void browseNative()}>
        <UploadIcon size={18} />
        {label}
      </button>
    );
  }
  return (
    <>
      <button type="button" className={className} onClick={() => input.current?.click()}>
        <UploadIcon size={18} />
        {label}
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept={ACCEPT}
        className="visually-hidden"
        tabIndex={-1}
        aria-label="Choose files to add"
        data-testid="file-input"
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length > 0) onFiles(files);
        }}
      />
    </>
  );
}
