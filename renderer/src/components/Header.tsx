import { useShallow } from 'zustand/react/shallow';
import { useLiveEvents } from '../stores/live-events.ts';
import { useNavigation, type View } from '../stores/navigation.ts';
import { uploadTotals, useUploads } from '../stores/uploads.ts';
import { BrowseButton } from './BrowseButton.tsx';
import { LibraryIcon, Logo, SearchIcon, SettingsIcon, TrashIcon } from './Icons.tsx';
import { KeepLocalToggle } from './KeepLocalToggle.tsx';

const VIEWS: { view: View; label: string; icon: typeof SearchIcon }[] = [
  { view: 'search', label: 'Search', icon: SearchIcon },
  { view: 'library', label: 'Library', icon: LibraryIcon },
  { view: 'deleted', label: 'Recently deleted', icon: TrashIcon },
  { view: 'settings', label: 'Settings', icon: SettingsIcon },
];

export function Header() {
  const view = useNavigation((s) => s.view);
  const go = useNavigation((s) => s.go);
  const live = useLiveEvents((s) => s.state);
  const addFiles = useUploads((s) => s.addFiles);
  const { items, order } = useUploads(useShallow((s) => ({ items: s.items, order: s.order })));
  const active = uploadTotals({ items, order }).active;

  return (
    <header className="topbar">
      <div className="brand">
        <Logo />
        <span className="brand-name">Trove</span>
      </div>
      <nav className="nav" aria-label="Main">
        {VIEWS.map(({ view: v, label, icon: Icon }) => (
          <button key={v} type="button" className="nav-item" aria-current={view === v ? 'page' : undefined} onClick={() => go(v)}>
            <Icon size={18} />
            <span>{label}</span>
          </button>
        ))}
      </nav>
      <div className="topbar-end">
        <span className={`live-indicator live-${live}`} title={live === 'open' ? 'Live updates on' : 'Reconnecting to live updates\u2026'}>
          <span className="live-dot" aria-hidden="true" />
          <span className="visually-hidden">{live === 'open' ? 'Live updates on' : 'Reconnecting to live updates'}</span>
        </span>
        {active > 0 && <span className="uploading-pill" aria-live="polite">{active} in progress</span>}
        <KeepLocalToggle />
        <BrowseButton onFiles={(files) => void addFiles(files)} primary label="Add files" />
      </div>
    </header>
  );
}
