import { useAuth } from '../../stores/auth.ts';
import { useSession } from '../../stores/session.ts';

/** Cloud mode (browser or desktop): who is signed in, and signing out. */
export function AccountSection({ desktop = false }: { desktop?: boolean }) {
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
