import { useId, useState, type ReactNode } from 'react';
import { useSession } from '../stores/session.ts';
import { Logo } from './Icons.tsx';

/** A card with nothing to fill in: why Trove cannot be used yet, and a button to try again. */
function RetryCard({ title, primary = false, onRetry, children }: { title: string; primary?: boolean; onRetry: () => Promise<void>; children: ReactNode }) {
  return (
    <main className="connect">
      <div className="connect-card">
        <Logo size={44} />
        <h1>{title}</h1>
        {children}
        <button type="button" className={primary ? 'button button-primary' : 'button'} onClick={() => void onRetry()}>Try again</button>
      </div>
    </main>
  );
}

/** Shown without a (working) token: how to get the link, and a field to paste it. */
export function ConnectScreen() {
  const { status, error, bridgeKind } = useSession();
  const { connect, retry } = useSession.getState();
  const [value, setValue] = useState('');
  const [remember, setRemember] = useState(false);
  const inputId = useId();
  const helpId = useId();
  const busy = status === 'checking';

  if (status === 'offline') {
    return (
      <RetryCard title="Trove is not reachable" primary onRetry={retry}>
        <p role="alert">{error}</p>
        <p>Start it with <code>npx trove serve</code>, then try again.</p>
      </RetryCard>
    );
  }

  if (bridgeKind === 'electron') {
    return (
      <RetryCard title="Connect to your Trove" onRetry={retry}>
        <p>{error ?? 'Waiting for the Trove service to start\u2026'}</p>
      </RetryCard>
    );
  }

  return (
    <main className="connect">
      <form className="connect-card" onSubmit={(e) => { e.preventDefault(); void connect(value, remember); }} aria-labelledby="connect-title">
        <Logo size={44} />
        <h1 id="connect-title">Connect to your Trove</h1>
        <p id={helpId}>
          Trove keeps this page locked until you open it with your access link. In a terminal, run{' '}
          <code>npx trove serve</code>: it prints a link like <code>http://127.0.0.1:8787/#token=…</code>. Open that link, or paste it (or
          just the token) here.
        </p>
        <label htmlFor={inputId} className="field-label">Access link or token</label>
        <input id={inputId} type="password" autoComplete="off" spellCheck={false} value={value} aria-describedby={helpId}
          onChange={(e) => setValue(e.target.value)} placeholder="http://127.0.0.1:8787/#token=…" autoFocus />
        <label className="checkbox">
          <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} />
          <span>Remember on this device</span>
        </label>
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={busy || value.trim() === ''}>
          {busy ? 'Connecting\u2026' : 'Connect'}
        </button>
        <p className="hint">The token stays in this browser. It is also in the <code>token</code> file of Trove’s data folder.</p>
      </form>
    </main>
  );
}
