import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useAuth } from '../stores/auth.ts';
import { useLiveEvents } from '../stores/live-events.ts';
import { useSession } from '../stores/session.ts';
import { useSettings, type Theme } from '../stores/settings.ts';
import { FolderIcon, LockIcon, TrashIcon } from './Icons.tsx';
import { UsageSection } from './UsageSection.tsx';

const THEMES: { value: Theme; label: string }[] = [
  { value: 'system', label: 'Match my system' },
  { value: 'light', label: 'Light' },
  { value: 'dark', label: 'Dark' },
];

function ThemeSection() {
  const theme = useSettings((s) => s.settings?.theme ?? 'system');
  const setTheme = useSettings((s) => s.setTheme);
  return (
    <fieldset className="settings-card">
      <legend>Appearance</legend>
      <div className="radio-row">
        {THEMES.map((t) => (
          <label key={t.value} className="radio">
            <input type="radio" name="theme" value={t.value} checked={theme === t.value} onChange={() => void setTheme(t.value)} />
            <span>{t.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** Cloud mode (browser or desktop): who is signed in, and signing out. */
function AccountSection({ desktop = false }: { desktop?: boolean }) {
  const email = useAuth((s) => s.email);
  const kept = useAuth((s) => s.kept);
  const serverUrl = useSession((s) => s.serverUrl);
  return (
    <fieldset className="settings-card">
      <legend>Account</legend>
      <p>Signed in as <strong>{email ?? 'unknown'}</strong> on the Trove server at <strong>{serverUrl}</strong>.</p>
      <p className="hint">{!desktop
        ? 'Closing this tab signs you out; files you added stay in your account.'
        : kept === false
          ? 'This computer offers Trove no keychain to keep your sign-in in, so quitting Trove signs you out; until then uploads and folder sync go on with the window closed.'
          : 'Trove keeps you signed in on this computer (in its keychain), so uploads and folder sync go on with the window closed and after a restart.'}</p>
      <button type="button" className="button" onClick={() => useSession.getState().signOut()}>Sign out</button>
    </fieldset>
  );
}

function ConnectionSection() {
  const { kind, serverUrl, remembered, sessionMode } = useSession(useShallow((s) => ({ kind: s.bridgeKind, serverUrl: s.serverUrl, remembered: s.remembered, sessionMode: s.mode })));
  const live = useLiveEvents((s) => s.state);
  const { setRemember, disconnect } = useSession.getState();
  const settings = useSettings((s) => s.settings);
  const { setMode, setCloudUrl } = useSettings.getState();
  const [cloudUrl, setCloudUrlDraft] = useState(settings?.cloudUrl ?? '');
  const cloudId = useId();
  useEffect(() => setCloudUrlDraft(settings?.cloudUrl ?? ''), [settings?.cloudUrl]);

  if (kind !== 'electron' && sessionMode === 'cloud') return <AccountSection />;
  if (kind !== 'electron') {
    return (
      <fieldset className="settings-card">
        <legend>Connection</legend>
        <p>Connected to the Trove server at <strong>{serverUrl}</strong>{' '}
          <span className={`live-dot live-${live}`} aria-hidden="true" />
          <span className="muted">{live === 'open' ? 'live updates on' : 'reconnecting\u2026'}</span>
        </p>
        <label className="checkbox">
          <input type="checkbox" checked={remembered} onChange={(e) => setRemember(e.target.checked)} />
          <span>Remember this connection on this device</span>
        </label>
        <p className="hint">Without it, the access token is forgotten when you close this tab.</p>
        <button type="button" className="button" onClick={disconnect}>Disconnect this browser</button>
      </fieldset>
    );
  }
  const mode = settings?.mode ?? 'local';
  return (
    <>
    <fieldset className="settings-card">
      <legend>Where your files live</legend>
      <div className="radio-row">
        <label className="radio">
          <input type="radio" name="mode" value="local" checked={mode === 'local'} onChange={() => void setMode('local')} />
          <span>On this computer</span>
        </label>
        <label className="radio">
          <input type="radio" name="mode" value="cloud" checked={mode === 'cloud'} onChange={() => void setMode('cloud')} />
          <span>In the cloud</span>
        </label>
      </div>
      <form className="inline-form" onSubmit={(e) => { e.preventDefault(); void setCloudUrl(cloudUrl); }}>
        <label htmlFor={cloudId}>Cloud server address</label>
        <div className="inline-form-row">
          <input id={cloudId} type="url" inputMode="url" placeholder="https://trove.example.com" value={cloudUrl}
            onChange={(e) => setCloudUrlDraft(e.target.value)} disabled={mode !== 'cloud'} />
          <button type="submit" className="button" disabled={mode !== 'cloud'}>Save</button>
        </div>
      </form>
      <p className="hint">Currently using <strong>{serverUrl || 'no server'}</strong>.</p>
    </fieldset>
    {sessionMode === 'cloud' && <AccountSection desktop />}
    </>
  );
}

function FoldersSection() {
  const folders = useSettings((s) => s.folders);
  const { addFolder, removeFolder, setMirror, setFolderKeepLocal } = useSettings.getState();
  const [mirror, setMirrorDraft] = useState(false);
  const [keepLocal, setKeepLocalDraft] = useState(false);
  return (
    <fieldset className="settings-card">
      <legend>Watched folders</legend>
      <p className="hint">Trove adds new and changed files from these folders on its own.</p>
      {folders.length === 0 ? <p className="muted">No folders yet.</p> : (
        <ul className="folder-list">
          {folders.map((f) => (
            <li key={f.path} className="folder-row">
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
          ))}
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

export function SettingsView() {
  const kind = useSession((s) => s.bridgeKind);
  const { error, saved } = useSettings(useShallow((s) => ({ error: s.error, saved: s.saved })));
  return (
    <section className="view settings-view" aria-labelledby="settings-heading">
      <div className="view-header">
        <h1 id="settings-heading">Settings</h1>
      </div>
      <div className="settings-body">
        {error && <p className="form-error" role="alert">{error}</p>}
        <p className="visually-hidden" role="status">{saved ?? ''}</p>
        <ConnectionSection />
        {kind === 'electron' && <FoldersSection />}
        <UsageSection />
        <ThemeSection />
      </div>
    </section>
  );
}
