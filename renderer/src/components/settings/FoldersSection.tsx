import { useState } from 'react';
import type { WatchedFolder } from '../../bridge/types.ts';
import { useSettings } from '../../stores/settings.ts';
import { FolderIcon, LockIcon, TrashIcon } from '../Icons.tsx';

/** The desktop app's watched folders: each with its state and options, and adding another. */
export function FoldersSection() {
  const folders = useSettings((s) => s.folders);
  const addFolder = useSettings((s) => s.addFolder);
  const [mirror, setMirrorDraft] = useState(false);
  const [keepLocal, setKeepLocalDraft] = useState(false);
  return (
    <fieldset className="settings-card">
      <legend>Watched folders</legend>
      <p className="hint">Trove adds new and changed files from these folders on its own.</p>
      {folders.length === 0 ? <p className="muted">No folders yet.</p> : (
        <ul className="folder-list">
          {folders.map((f) => <FolderRow key={f.path} folder={f} />)}
        </ul>
      )}
      <div className="inline-form-row">
        <button type="button" className="button" onClick={() => void addFolder({ mirrorDeletions: mirror, keepLocal })}><FolderIcon size={16} />Add folder…</button>
        <label className="checkbox">
          <input type="checkbox" checked={mirror} onChange={(e) => setMirrorDraft(e.target.checked)} />
          <span>Mirror deletions</span>
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={keepLocal} onChange={(e) => setKeepLocalDraft(e.target.checked)} />
          <span>Keep on this device</span>
        </label>
      </div>
      <p className="hint">&ldquo;Keep on this device&rdquo;: the folder&rsquo;s files are stored and searchable as usual, but never sent to a cloud AI model. It applies to files added from then on; files already in Trove stay as they are.</p>
    </fieldset>
  );
}

/** One watched folder: where it is, what sync is doing there, its two options, and stopping it. */
function FolderRow({ folder: f }: { folder: WatchedFolder }) {
  const { removeFolder, setMirror, setFolderKeepLocal } = useSettings.getState();
  return (
    <li className="folder-row">
      <FolderIcon size={18} />
      <div className="folder-body">
        <span className="folder-path">{f.path}</span>
        <span className="muted">
          {f.status === 'scanning' ? `Scanning \u00b7 ${f.scanned} files found` : f.status === 'error' ? `Error: ${f.error ?? 'unknown'}` : `${f.status === 'paused' ? 'Paused' : 'Watching'} \u00b7 ${f.queued} added`}
        </span>
        {f.keepLocal && <span className="folder-local"><LockIcon size={12} />No cloud AI model sees files from this folder</span>}
      </div>
      <div className="folder-options">
        <label className="checkbox">
          <input type="checkbox" checked={f.mirrorDeletions} onChange={(e) => void setMirror(f.path, e.target.checked)} />
          <span>Delete from Trove when deleted here</span>
        </label>
        <label className="checkbox" title="Files from this folder are stored as usual but never sent to a cloud AI model. Applies to files added from now on and to those still waiting to upload.">
          <input type="checkbox" checked={f.keepLocal} onChange={(e) => void setFolderKeepLocal(f, e.target.checked)} />
          <span>Keep on this device</span>
        </label>
      </div>
      <button type="button" className="icon-button" aria-label={`Stop watching ${f.path}`} title="Stop watching" onClick={() => void removeFolder(f.path)}>
        <TrashIcon size={16} />
      </button>
    </li>
  );
}
