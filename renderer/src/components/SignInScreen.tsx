import { useId, useState } from 'react';
import { useAuth } from '../stores/auth.ts';
import { useSession } from '../stores/session.ts';
import { Logo } from './Icons.tsx';

/** Messages of the sign-in screens: what went wrong (alert), what was done (status). */
function Messages() {
  const authError = useAuth((s) => s.error);
  const notice = useAuth((s) => s.notice);
  const sessionError = useSession((s) => s.error);
  const error = authError ?? sessionError;
  return (
    <>
      {error && <p className="form-error" role="alert">{error}</p>}
      <p className="form-notice" role="status">{notice ?? ''}</p>
    </>
  );
}

/** Signed in with a password whose address is not confirmed yet: the app waits until it is. */
function ConfirmEmail() {
  const email = useAuth((s) => s.email);
  const authBusy = useAuth((s) => s.busy);
  const connecting = useSession((s) => s.connecting);
  const busy = authBusy || connecting;
  const activity = useAuth((s) => s.activity);
  const emulated = useAuth((s) => s.settings?.emulator_url != null);
  return (
    <main className="connect">
      <section className="connect-card sign-in" aria-labelledby="confirm-title">
        <Logo size={44} />
        <h1 id="confirm-title">Confirm your email address</h1>
        <p>We sent a link to <strong>{email ?? 'your address'}</strong>. Open it to confirm the address is yours, then come back here and press Continue.</p>
        <Messages />
        <button type="button" className="button button-primary button-wide" disabled={busy} onClick={() => void useSession.getState().continueVerified()}>
          {busy ? activity ?? 'Checking\u2026' : 'Continue'}
        </button>
        <button type="button" className="button button-wide" disabled={busy} onClick={() => void useAuth.getState().resendVerification()}>Send the link again</button>
        <button type="button" className="link-button" onClick={() => useSession.getState().signOut()}>Use another account</button>
        {emulated && <p className="hint">Development: the Firebase Auth emulator sends no email; the link is in its log.</p>}
      </section>
    </main>
  );
}

/** Cloud mode without a signed-in user: email and password, a new account, a forgotten password, Google. */
export function SignInScreen() {
  const phase = useAuth((s) => s.phase);
  const status = useSession((s) => s.status);
  const connecting = useSession((s) => s.connecting);
  const authBusy = useAuth((s) => s.busy);
  const activity = useAuth((s) => s.activity);
  const google = useAuth((s) => s.google);
  const emulated = useAuth((s) => s.settings?.emulator_url != null);
  const busy = authBusy || connecting || status === 'checking';
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const emailId = useId();
  const passwordId = useId();
  const canSubmit = !busy && email.trim() !== '' && password !== '';

  if (phase === 'unverified') return <ConfirmEmail />;

  const submit = (create: boolean) => {
    if (!canSubmit) return;
    useAuth.getState().clearMessages();
    void useSession.getState().signIn(email, password, create);
  };
  const waitingForBrowser = authBusy && google === 'browser' && activity?.startsWith('Waiting for Google');

  return (
    <main className="connect">
      <form className="connect-card sign-in" aria-labelledby="sign-in-title" onSubmit={(e) => { e.preventDefault(); submit(false); }}>
        <Logo size={44} />
        <h1 id="sign-in-title">Sign in to Trove</h1>
        <p>This Trove keeps each person’s files apart. Sign in with your email address, or create an account.</p>
        <label htmlFor={emailId} className="field-label">Email</label>
        <input id={emailId} type="email" autoComplete="username" spellCheck={false} value={email} onChange={(e) => setEmail(e.target.value)} autoFocus />
        <label htmlFor={passwordId} className="field-label">Password</label>
        <input id={passwordId} type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />
        <Messages />
        <button type="submit" className="button button-primary button-wide" disabled={!canSubmit}>
          {busy && !waitingForBrowser ? activity ?? 'Signing in\u2026' : 'Sign in'}
        </button>
        <button type="button" className="button button-wide" disabled={!canSubmit} onClick={() => submit(true)}>Create account</button>
        <button type="button" className="link-button" disabled={busy} onClick={() => void useAuth.getState().resetPassword(email)}>Forgot your password?</button>
        {google && (
          <>
            <p className="sign-in-or" aria-hidden="true"><span>or</span></p>
            {waitingForBrowser ? (
              <div className="sign-in-waiting" role="status">
                <span className="spinner" aria-hidden="true" />
                <span>{activity} Finish there, then come back.</span>
                <button type="button" className="button" onClick={() => useAuth.getState().cancelGoogle()}>Cancel</button>
              </div>
            ) : (
              <button type="button" className="button button-wide" disabled={busy} onClick={() => { useAuth.getState().clearMessages(); void useSession.getState().signInWithGoogle(); }}>
                Continue with Google
              </button>
            )}
            {google === 'browser' && !waitingForBrowser && <p className="hint">Google’s sign-in opens in your web browser.</p>}
          </>
        )}
        {emulated && <p className="hint">Accounts live in the Firebase Auth emulator (development).</p>}
      </form>
    </main>
  );
}
