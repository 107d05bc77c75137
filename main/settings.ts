import { Value } from 'typebox/value';
import { TroveError } from '../shared/api/errors.ts';
import { SettingsSchema, type Settings } from '../shared/ipc/contract.ts';
import { checkServerUrl } from '../shared/ipc/server-url.ts';
import { readJsonFile, writeJsonAtomic } from './json-file.ts';

export const DEFAULT_SETTINGS: Settings = {
  mode: 'local',
  cloudUrl: null,
  theme: 'system',
  startAtLogin: false,
  syncPaused: false,
};

/** The user's preferences, in `<userData>/settings.json`. Every change is validated, then saved atomically. */
export class SettingsStore {
  private current: Settings = { ...DEFAULT_SETTINGS };
  private readonly listeners = new Set<(next: Settings, previous: Settings) => void>();

  private constructor(private readonly file: string) {}

  static async open(file: string): Promise<SettingsStore> {
    const store = new SettingsStore(file);
    const saved = await readJsonFile<unknown>(file);
    const merged = { ...DEFAULT_SETTINGS, ...(typeof saved === 'object' && saved ? saved : {}) };
    // A file from another version, or edited by hand, falls back to the defaults rather than half-applying.
    store.current = Value.Check(SettingsSchema, merged) ? merged : { ...DEFAULT_SETTINGS };
    // An address saved before http:// was refused (or edited in by hand) is not connected to: the app
    // starts on this computer and Settings still shows the address, to be corrected.
    if (store.current.cloudUrl !== null && checkServerUrl(store.current.cloudUrl)) store.current = { ...store.current, mode: 'local' };
    return store;
  }

  get(): Settings {
    return { ...this.current };
  }

  async set(patch: Partial<Settings>): Promise<Settings> {
    const next = { ...this.current, ...patch };
    if (!Value.Check(SettingsSchema, next)) throw new Error('These settings are not valid.');
    if (next.mode === 'cloud' && !next.cloudUrl) {
      throw new TroveError('INVALID_SERVER_URL', 'Cloud mode needs the server\u2019s address, such as https://trove.example.com. Enter it, then switch.');
    }
    const problem = next.cloudUrl === null ? null : checkServerUrl(next.cloudUrl);
    if (problem) throw new TroveError(problem.code, problem.message);
    const previous = this.current;
    this.current = next;
    await writeJsonAtomic(this.file, next);
    for (const fn of this.listeners) fn({ ...next }, previous);
    return { ...next };
  }

  onChange(fn: (next: Settings, previous: Settings) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }
}
