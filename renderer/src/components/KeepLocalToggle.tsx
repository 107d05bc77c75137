import { useUploadOptions } from '../stores/upload-options.ts';
import { LockIcon } from './Icons.tsx';

/**
 * "Keep on this device", beside "Add files": files added while it is on (dropped, picked, or handed
 * to the desktop app) are stored as usual but never sent to a cloud AI model. Off by default.
 */
export function KeepLocalToggle() {
  const keepLocal = useUploadOptions((s) => s.keepLocal);
  const setKeepLocal = useUploadOptions((s) => s.setKeepLocal);
  return (
    <label className={`keep-local-toggle${keepLocal ? ' is-on' : ''}`}
      title="Files you add while this is on are stored and searchable as usual, but never sent to a cloud AI model.">
      <input type="checkbox" role="switch" checked={keepLocal} onChange={(e) => setKeepLocal(e.target.checked)} />
      <LockIcon size={15} />
      <span className="keep-local-label">Keep on this device</span>
    </label>
  );
}
