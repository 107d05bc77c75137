import { useShallow } from 'zustand/react/shallow';
import { useSession } from '../stores/session.ts';
import { useSettings } from '../stores/settings.ts';
import { ConnectionSection } from './settings/ConnectionSection.tsx';
import { FoldersSection } from './settings/FoldersSection.tsx';
import { ThemeSection } from './settings/ThemeSection.tsx';
import { UsageSection } from './settings/UsageSection.tsx';
import { SharedLinksSection } from './settings/SharedLinksSection.tsx';

/** Settings: the connection (or account), watched folders in the desktop app, AI usage, appearance. */
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
        <SharedLinksSection />
        <ThemeSection />
      </div>
    </section>
  );
}
