import { useEffect } from 'react';
import { ConfirmDeleteDialog } from './components/ConfirmDeleteDialog.tsx';
import { ConnectScreen } from './components/ConnectScreen.tsx';
import { DetailDialog } from './components/DetailDialog.tsx';
import { DropZone } from './components/DropZone.tsx';
import { Header } from './components/Header.tsx';
import { LibraryView } from './components/LibraryView.tsx';
import { RecentlyDeletedView } from './components/RecentlyDeletedView.tsx';
import { SearchView } from './components/SearchView.tsx';
import { SettingsView } from './components/SettingsView.tsx';
import { SignInScreen } from './components/SignInScreen.tsx';
import { Toast } from './components/Toast.tsx';
import { UploadPanel } from './components/UploadPanel.tsx';
import { useShortcuts } from './components/useShortcuts.ts';
import { useNavigation } from './stores/navigation.ts';
import { useSession } from './stores/session.ts';
import { useSettings } from './stores/settings.ts';

/** Light/dark follows the OS (`prefers-color-scheme`) unless the user chose one. */
function useTheme(): void {
  const theme = useSettings((s) => s.settings?.theme ?? 'system');
  useEffect(() => {
    const root = document.documentElement;
    if (theme === 'system') delete root.dataset.theme;
    else root.dataset.theme = theme;
  }, [theme]);
}

function Shell() {
  const view = useNavigation((s) => s.view);
  useShortcuts();
  return (
    <div className="app">
      <a className="skip-link" href="#main">Skip to content</a>
      <Header />
      <main id="main" className="main" tabIndex={-1}>
        {view === 'search' && <SearchView />}
        {view === 'library' && <LibraryView />}
        {view === 'deleted' && <RecentlyDeletedView />}
        {view === 'settings' && <SettingsView />}
      </main>
      <UploadPanel />
      <DropZone />
      <DetailDialog />
      <ConfirmDeleteDialog />
      <Toast />
    </div>
  );
}

export function App() {
  const status = useSession((s) => s.status);
  const connecting = useSession((s) => s.connecting);
  const mode = useSession((s) => s.mode);
  useTheme();
  if (status === 'starting' || (status === 'checking' && !connecting)) {
    return <div className="splash" role="status" aria-label="Starting Trove"><span className="spinner" aria-hidden="true" /></div>;
  }
  // A cloud server's users sign in with Firebase; the screen stays up while the server checks it.
  if (mode === 'cloud' && (status === 'needs-sign-in' || status === 'checking')) return <SignInScreen />;
  if (status !== 'ready') return <ConnectScreen />;
  return <Shell />;
}
