import { Value } from 'typebox/value';
import { SettingsSchema, type Settings } from '../shared/ipc/contract.ts';
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
    return store;
  }

  get(): Settings {
    return { ...this.current };
  }

  async set(patch: Partial<Settings>): Promise<Settings> {
    const next = { ...this.current, ...patch };
    if (!Value.Check(SettingsSchema, next)) throw new Error('These settings are not valid.');
    if (next.mode === 'cloud' && !isHttpUrl(next.cloudUrl)) {
      throw new Error('Cloud mode needs a server address starting with https:// (or http://).');
    }
    if (next.cloudUrl !== null && !isHttpUrl(next.cloudUrl)) throw new Error('The server address must start with https:// or http://.');
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

export function isHttpUrl(value: string | null | undefined): value is string {
  if (!value) return false;
  try {
    const u = new URL(value);
    return (u.protocol === 'https:' || u.protocol === 'http:') && u.username === '' && u.password === '';
  } catch {
    return false;
  }
}
