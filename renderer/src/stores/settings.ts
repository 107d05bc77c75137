/** Settings: theme, local or cloud mode (desktop), watched folders (desktop). */
import { create } from 'zustand';
import type { Settings, WatchedFolder } from '../bridge/types.ts';
import { getServices } from '../services.ts';

export type Theme = Settings['theme'];

export interface SettingsState {
  settings: Settings | null;
  folders: WatchedFolder[];
  loaded: boolean;
  busy: boolean;
  error: string | null;
  saved: string | null;

  load: () => Promise<void>;
  setTheme: (theme: Theme) => Promise<void>;
  setMode: (mode: Settings['mode']) => Promise<void>;
  setCloudUrl: (url: string) => Promise<void>;
  addFolder: (mirrorDeletions: boolean) => Promise<void>;
  removeFolder: (path: string) => Promise<void>;
  setMirror: (path: string, mirrorDeletions: boolean) => Promise<void>;
  reset: () => void;
}

let unsubscribe: (() => void) | null = null;

export const useSettings = create<SettingsState>()((set) => {
  const run = async (fn: () => Promise<void>, saved: string | null = null) => {
    set({ busy: true, error: null, saved: null });
    try {
      await fn();
      set({ busy: false, saved });
    } catch (err) {
      set({ busy: false, error: err instanceof Error ? err.message : String(err) });
    }
  };
  const save = (patch: Partial<Settings>, saved: string) =>
    run(async () => {
      const settings = await getServices().bridge.setSettings(patch);
      set({ settings });
    }, saved);

  return {
    settings: null,
    folders: [],
    loaded: false,
    busy: false,
    error: null,
    saved: null,

    async load() {
      const { bridge } = getServices();
      unsubscribe?.();
      unsubscribe = bridge.onWatchedFoldersChanged((folders) => set({ folders }));
      await run(async () => {
        const [settings, folders] = await Promise.all([bridge.getSettings(), bridge.watchedFolders()]);
        set({ settings, folders, loaded: true });
      });
    },

    async setTheme(theme) {
      // Applied at once; saved behind.
      set((s) => ({ settings: s.settings ? { ...s.settings, theme } : s.settings }));
      await save({ theme }, 'Theme saved.');
    },

    setMode: (mode) => save({ mode }, mode === 'cloud' ? 'Switched to cloud mode.' : 'Switched to this computer.'),

    async setCloudUrl(url) {
      const trimmed = url.trim();
      if (trimmed !== '') {
        let parsed: URL | null = null;
        try {
          parsed = new URL(trimmed);
        } catch {
          parsed = null;
        }
        if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) {
          set({ error: 'Enter the cloud server\u2019s address, starting with https://', saved: null });
          return;
        }
      }
      await save({ cloudUrl: trimmed === '' ? null : trimmed }, 'Cloud address saved.');
    },

    addFolder: (mirrorDeletions) => run(async () => set({ folders: await getServices().bridge.addWatchedFolder(mirrorDeletions) })),
    removeFolder: (path) => run(async () => set({ folders: await getServices().bridge.removeWatchedFolder(path) })),
    setMirror: (path, mirrorDeletions) => run(async () => set({ folders: await getServices().bridge.setMirrorDeletions(path, mirrorDeletions) })),

    reset() {
      unsubscribe?.();
      unsubscribe = null;
      set({ settings: null, folders: [], loaded: false, busy: false, error: null, saved: null });
    },
  };
});
