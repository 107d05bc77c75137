/** Settings: theme, local or cloud mode (desktop), watched folders (desktop). */
import { create } from 'zustand';
import { checkServerUrl } from '../../../shared/ipc/server-url.ts';
import type { FolderOptions, Settings, WatchedFolder } from '../bridge/types.ts';
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
  addFolder: (opts: FolderOptions) => Promise<void>;
  removeFolder: (path: string) => Promise<void>;
  setMirror: (path: string, mirrorDeletions: boolean) => Promise<void>;
  setFolderKeepLocal: (folder: WatchedFolder, keepLocal: boolean) => Promise<void>;
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
      // The same rule main applies: https://, or http:// to this computer only.
      const problem = trimmed === '' ? null : checkServerUrl(trimmed);
      if (problem) {
        set({ error: problem.message, saved: null });
        return;
      }
      await save({ cloudUrl: trimmed === '' ? null : trimmed }, 'Cloud address saved.');
    },

    addFolder: (opts) => run(async () => set({ folders: await getServices().bridge.addWatchedFolder(opts) })),
    removeFolder: (path) => run(async () => set({ folders: await getServices().bridge.removeWatchedFolder(path) })),
    setMirror: (path, mirrorDeletions) => run(async () => set({ folders: await getServices().bridge.setMirrorDeletions(path, mirrorDeletions) })),
    setFolderKeepLocal: (folder, keepLocal) => run(
      async () => set({ folders: await getServices().bridge.setFolderKeepLocal(folder, keepLocal) }),
      keepLocal ? `Files from ${folder.path} are kept on this device from now on.` : `Files from ${folder.path} may be described by the cloud AI model from now on.`,
    ),

    reset() {
      unsubscribe?.();
      unsubscribe = null;
      set({ settings: null, folders: [], loaded: false, busy: false, error: null, saved: null });
    },
  };
});
