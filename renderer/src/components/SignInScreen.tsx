import { useId, useState } from 'react';
import { useAuth } from '../stores/auth.ts';
import { useSession } from '../stores/session.ts';
import { Logo } from './Icons.tsx';

/** Cloud mode without a signed-in user: email and password, to sign in or to create an account. */
export function SignInScreen() {
  const status = useSession((s) => s.status);
  const sessionError = useSession((s) => s.error);
  const connecting = useSession((s) => s.connecting);
  const busy = useAuth((s) => s.busy) || connecting || status === 'checking';
  const authError = useAuth((s) => s.error);
  const emulated = useAuth((s) => s.settings?.emulator_url != null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const emailId = useId();
  const passwordId = useId();
  const error = authError ?? sessionError;
  const canSubmit = !busy && email.trim() !== '' && password !== '';

  const submit = (create: boolean) => {
    if (!canSubmit) return;
    useAuth.getState().clearError();
    void useSession.getState().signIn(email, password, create);
  };

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
        {error && <p className="form-error" role="alert">{error}</p>}
        <button type="submit" className="button button-primary button-wide" disabled={!canSubmit}>
          {busy ? 'Signing in\u2026' : 'Sign in'}
        </button>
        <button type="button" className="button button-wide" disabled={!canSubmit} onClick={() => submit(true)}>Create account</button>
        {emulated && <p className="hint">Accounts live in the Firebase Auth emulator (development).</p>}
      </form>
    </main>
  );
}
