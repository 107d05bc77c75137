/**
 * How new files are added: "Keep on this device" (off by default, for this window only). Files
 * added while it is on are uploaded with metadata `keep_local: true`, so no cloud AI model ever
 * sees them. A store of its own, without services, so the bridges can read it too (files handed
 * to the desktop app from outside are added the same way).
 */
import { create } from 'zustand';

export interface UploadOptions {
  keepLocal: boolean;
}

export interface UploadOptionsState extends UploadOptions {
  setKeepLocal: (keepLocal: boolean) => void;
}

export const useUploadOptions = create<UploadOptionsState>()((set) => ({
  keepLocal: false,
  setKeepLocal: (keepLocal) => set({ keepLocal }),
}));

/** The options files added right now get. */
export function currentUploadOptions(): UploadOptions {
  return { keepLocal: useUploadOptions.getState().keepLocal };
}
