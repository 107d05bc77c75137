import { useEffect, useId, useState } from 'react';
import { useShallow } from 'zustand/react/shallow';
import { useLiveEvents } from '../../stores/live-events.ts';
import { useSession } from '../../stores/session.ts';
import { useSettings } from '../../stores/settings.ts';
import { AccountSection } from './AccountSection.tsx';

/** Which server this is, and how the page or app is connected to it. */
export function ConnectionSection() {
  const kind = useSession((s) => s.bridgeKind);
  const mode = useSession((s) => s.mode);
  if (kind === 'electron') return <DesktopConnection />;
  return mode === 'cloud' ? <AccountSection /> : <BrowserConnection />;
}

/** A browser tab on a local server: the server, live updates, and the token kept in this browser. */
function BrowserConnection() {
  const { serverUrl, remembered } = useSession(useShallow((s) => ({ serverUrl: s.serverUrl, remembered: s.remembered })));
  const live = useLiveEvents((s) => s.state);
  const { setRemember, disconnect } = useSession.getState();
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

/** The desktop app: files on this computer (the embedded server) or in the cloud (a server's address), and the account there. */
function DesktopConnection() {
  const { serverUrl, sessionMode } = useSession(useShallow((s) => ({ serverUrl: s.serverUrl, sessionMode: s.mode })));
  const settings = useSettings((s) => s.settings);
  const { setMode, setCloudUrl } = useSettings.getState();
  const [cloudUrl, setCloudUrlDraft] = useState(settings?.cloudUrl ?? '');
  const cloudId = useId();
  useEffect(() => setCloudUrlDraft(settings?.cloudUrl ?? ''), [settings?.cloudUrl]);
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
